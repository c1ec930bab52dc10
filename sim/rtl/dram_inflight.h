/* SPDX-License-Identifier: MIT */
/*
 * The host-bus transactions a DRAM model has in flight: read bursts,
 * answered in order; the one write burst whose data is coming; write
 * responses due. Shared by the simulator's harness (dnpu_rtl.cpp) and the
 * engine testbench (tests/rtl/tb_engine_sim.h), which differ only in
 * timing, stalls and where the bytes live.
 */
#ifndef DNPU_DRAM_INFLIGHT_H
#define DNPU_DRAM_INFLIGHT_H

#include <cstdint>
#include <deque>

struct dram_inflight {
	static constexpr uint64_t kBeatBytes = 16;

	struct read {
		uint64_t addr;
		unsigned beats, beat;
		uint64_t first;	/* cycle of the first beat, at the earliest */
	};
	struct resp {
		uint64_t at;	/* cycle the response may go out */
		bool err;
	};
	std::deque<read> reads;
	std::deque<resp> resps;
	bool wactive = false, werr = false;
	uint64_t waddr = 0;
	unsigned wbeats = 0, wbeat = 0;

	bool busy() const { return !reads.empty() || wactive || !resps.empty(); }

	/* A request taken from the bus; a read's first beat is due at first. */
	void accept(uint64_t addr, unsigned beats, bool write, uint64_t first)
	{
		if (write) {
			wactive = true;
			werr = false;
			waddr = addr;
			wbeats = beats;
			wbeat = 0;
		} else {
			reads.push_back({addr, beats, 0, first});
		}
	}

	/* The oldest read's next beat: its address, whether it is the last. */
	uint64_t read_addr() const
	{
		return reads.front().addr + kBeatBytes * reads.front().beat;
	}
	bool read_last() const
	{
		return reads.front().beat + 1 == reads.front().beats;
	}
	void read_done()
	{
		if (++reads.front().beat == reads.front().beats)
			reads.pop_front();
	}

	/* The write burst's next beat; write_done says whether it was the last. */
	uint64_t write_addr() const { return waddr + kBeatBytes * wbeat; }
	bool write_done() { return ++wbeat == wbeats; }
	/* The burst's data is all in: its response is due at cycle at. */
	void write_end(uint64_t at)
	{
		wactive = false;
		resps.push_back({at, werr});
	}
};

#endif
