// SPDX-License-Identifier: MIT
// Unit test of rtl/dnpu_xfer.v (ctest rtl_xfer_sim, run by xfer_sim.sh under
// Icarus Verilog; DW chosen with -Ptb_xfer.DW=N, -Ptb_xfer.WRITES=0 for the
// read-only instance): random transfers against a behavioural bus + memory
// and a scoreboard built from the module header's contract, not from a copy
// of the RTL.
//   memory   a 128 KiB window of 4 KiB frames at a random 64-bit bus
//            address (sometimes straddling 2^32 or ending at 2^64); frame 0
//            holds PAGED page lists, frames 1..31 the pages (shuffled).
//   bus      requests, write beats, read beats and write responses with
//            random stalls; read beats and write responses in order;
//            optional rerr/berr on random beats/responses.
//   stream   the producer pushes a known byte sequence (random src_cnt,
//            garbage above it) whenever src_room was set in this or the
//            previous cycle; the sink takes chunks with random snk_ready.
// Every transfer gets one of: clean, bus errors, a misaligned page-list
// entry (PAGED), a kill. Checked: every strobed byte lands at its
// translated address with the pushed value, once, and nothing outside the
// transfer is written; the sink stream equals memory; bursts 16 B aligned,
// inside 256 B and <= DNPU_DMA_MAX_BURST beats, beats = req_len + 1 with
// wlast on the last, no empty beat, requests/beats stable while stalled,
// <= DNPU_DMA_MAX_INFLIGHT bursts in flight, page-list reads at the
// entry's address with nothing in flight; done exactly once per start with
// the bus quiet; fault/cause/offset; perf byte counts.
// Plusargs: +seed=N +cycles=N (run until then, finish the transfer)
//   +mutate=1  the bus model sees one wstrb bit flipped (must FAIL)
//   +mutate=2  the scoreboard expects one wrong sink byte (must FAIL)
//   +kill_reads=0  kill write transfers only (default 1: reads too; this
//              test found that a kill while a read beat was being cut
//              popped a dropped burst on an rlast beat not taken, so done
//              came with bursts on the bus: -Ptb_xfer.DW=1 +seed=1)
// Prints "PASS tb_xfer ..." or "FAIL ..." and stops ($fatal) at the first
// mismatch, with the transfer's parameters.
`default_nettype none
module tb_xfer;
    parameter integer DW = 4;
    parameter integer WRITES = 1;   // 0: the read-only instance, reads only
`include "dnpu_hw_params.vh"
    localparam integer MEMSZ  = 32 * 4096;
    localparam integer MAXLEN = 3 * 4096;   // longest transfer: 8 KiB (3 pages)
    localparam integer QN     = 16;         // model queue slots (power of 2)
    localparam integer MAXB   = DNPU_DMA_MAX_BURST;
    localparam integer MAXI   = DNPU_DMA_MAX_INFLIGHT;
    localparam [3:0]   C_BUS  = DNPU_FAULT_BUS_ERROR[3:0];
    localparam [3:0]   C_ALIGN = DNPU_FAULT_PAGE_ALIGN[3:0];
    // kinds of transfer
    localparam integer M_CLEAN = 0, M_BUSERR = 1, M_ALIGN = 2, M_KILL = 3;

    reg clk = 1'b0;
    always #5 clk = ~clk;
    reg rst = 1'b1;

    // ---- DUT ----
    reg          start = 1'b0, write = 1'b0, paged = 1'b0, kill = 1'b0;
    reg  [63:0]  base = 64'd0;
    reg  [31:0]  offset = 32'd0, len = 32'd1;
    wire         busy, done, fault, cnt_valid, cnt_write;
    wire [3:0]   fault_cause;
    wire [31:0]  fault_offset;
    wire [12:0]  cnt_bytes;
    wire         snk_valid;
    wire [DW*8-1:0] snk_data;
    wire [4:0]   snk_cnt;
    reg          snk_ready = 1'b0;
    reg          p_want = 1'b0;            // producer has a chunk ready
    reg  [DW*8-1:0] src_data = 0;
    reg  [4:0]   src_cnt = 5'd0;
    wire         src_room;
    reg          room_d = 1'b0;            // src_room in the previous cycle
    // the documented rule: push only if src_room now or a cycle ago
    wire         src_valid = p_want && (src_room || room_d);
    wire         req_valid, req_write, wvalid, wlast, rready;
    wire [63:0]  req_addr;
    wire [3:0]   req_len;
    wire [127:0] wdata;
    wire [15:0]  wstrb;
    reg          req_ready = 1'b0, wready = 1'b0;
    reg          rvalid = 1'b0, rlast = 1'b0, rerr = 1'b0;
    reg  [127:0] rdata = 128'd0;
    reg          bvalid = 1'b0, berr = 1'b0;

    dnpu_xfer #(.DW(DW), .WRITES(WRITES)) dut (
        .clk(clk), .rst(rst), .start(start), .write(write), .base(base),
        .paged(paged), .offset(offset), .len(len), .kill(kill), .busy(busy),
        .done(done), .fault(fault), .fault_cause(fault_cause),
        .fault_offset(fault_offset), .cnt_valid(cnt_valid),
        .cnt_write(cnt_write), .cnt_bytes(cnt_bytes),
        .snk_valid(snk_valid), .snk_data(snk_data), .snk_cnt(snk_cnt),
        .snk_ready(snk_ready), .src_valid(src_valid), .src_data(src_data),
        .src_cnt(src_cnt), .src_room(src_room),
        .req_valid(req_valid), .req_ready(req_ready), .req_write(req_write),
        .req_addr(req_addr), .req_len(req_len), .wvalid(wvalid),
        .wready(wready), .wdata(wdata), .wstrb(wstrb), .wlast(wlast),
        .rvalid(rvalid), .rready(rready), .rdata(rdata), .rlast(rlast),
        .rerr(rerr), .bvalid(bvalid), .berr(berr));

    // ---- run parameters and totals ----
    integer seed = 1, seed0 = 1, max_cycles = 200000, mutate = 0, kill_reads = 1;
    integer cyc = 0, n_xfer = 0, n_wr = 0, n_paged = 0, n_bytes = 0;
    integer n_buserr = 0, n_align = 0, n_kill = 0, n_cut = 0, n_bursts = 0;
    reg     mutated = 1'b0;            // the +mutate corruption was applied

    function integer rnd(input integer n);   // uniform 0 .. n-1
        rnd = {$random(seed)} % n;
    endfunction
    function integer chance(input integer pct);
        chance = (rnd(100) < pct);
    endfunction

    // ---- model memory: the window [x_mb, x_mb + MEMSZ) ----
    reg [7:0]  mem  [0:MEMSZ-1];
    integer    wtag [0:MEMSZ-1];       // transfer that last wrote the byte

    // ---- the current transfer ----
    integer    xid = 0;
    reg        x_wr, x_pg;
    reg [63:0] x_mb, x_base;
    reg [31:0] x_off, x_len;
    integer    x_s;                    // CONTIG: window index of byte 0
    integer    x_np;                   // PAGED: pages touched
    integer    x_frame  [0:3];         // PAGED: frame of page k
    integer    x_pageof [0:31];        // PAGED: page k held by a frame, or -1
    integer    x_lpos;                 // PAGED: window index of list[off >> 12]
    integer    x_mode, x_bad;          // kind; PAGED misaligned entry
    integer    x_err_at, x_evt;        // bus errors: first at chance x_err_at
    reg        x_full;                 // producer pushes whole DW chunks
    integer    x_kill_at, x_kill_cyc;
    integer    x_start_cyc;
    reg [7:0]  srcb [0:MAXLEN-1];      // the bytes pushed
    reg [255:0] x_vals;                // byte values occurring in srcb
    // stall odds (percent)
    integer    pr_req, pr_w, pr_r, pr_b, pr_snk, pr_src;
    // progress
    integer    x_pushed, x_sunk, x_written, x_nlist, x_good;
    integer    x_cw, x_cr;             // perf bytes written / read
    reg        x_err_seen;             // an injected error reached the DUT
    reg [31:0] x_err_off;              // ... the offset it must report
    reg        running = 1'b0;
    integer    gap = 3;

    // ---- model bus queues ----
    // reads: accepted, beats being returned; writes: accepted, beats
    // being taken; responses: last beat taken, response pending
    reg [63:0] rq_addr [0:QN-1];
    integer    rq_beats [0:QN-1], rq_piece [0:QN-1];
    reg        rq_list [0:QN-1];
    integer    rq_h = 0, rq_n = 0, r_beat = 0;
    reg [63:0] wq_addr [0:QN-1];
    integer    wq_beats [0:QN-1], wq_piece [0:QN-1];
    integer    wq_h = 0, wq_n = 0, w_beat = 0;
    integer    bq_piece [0:QN-1], bq_time [0:QN-1];
    integer    bq_h = 0, bq_n = 0;

    // ---- previous cycle, for the stability checks ----
    reg         p_reqv = 1'b0, p_reqr = 1'b0, p_reqw = 1'b0;
    reg [63:0]  p_reqa = 64'd0;
    reg [3:0]   p_reql = 4'd0;
    reg         p_wv = 1'b0, p_wr = 1'b0, p_wl = 1'b0;
    reg [127:0] p_wd = 128'd0;
    reg [15:0]  p_ws = 16'd0;
    reg         p_sv = 1'b0, p_sr = 1'b0;
    reg [DW*8-1:0] p_sd = 0;
    reg [4:0]   p_sc = 5'd0;

    task show_xfer;
        $display("      transfer %0d (seed %0d, DW %0d, cycle %0d): %0s %0s base=%h offset=%h len=%0d %0s window=%h",
                 xid, seed0, DW, cyc, x_wr ? "write" : "read", x_pg ? "PAGED" : "CONTIG",
                 x_base, x_off, x_len,
                 x_mode == M_CLEAN ? "clean" : x_mode == M_BUSERR ? "bus-errors" :
                 x_mode == M_ALIGN ? "misaligned-entry" : "kill", x_mb);
    endtask
    task die;
        begin
            show_xfer;
            $fatal(1, "FAIL tb_xfer");
        end
    endtask

    // offset of the piece holding page k of the transfer (fault report)
    function [31:0] piece_of(input integer k);
        piece_of = (k == 0) ? x_off : ((x_off >> 12) + k) << 12;
    endfunction
    // transfer byte i -> window index
    function integer win_of(input integer i);
        reg [31:0] o;
        begin
            o = x_off + i;
            if (!x_pg)
                win_of = x_s + i;
            else
                win_of = x_frame[(o >> 12) - (x_off >> 12)] * 4096 + o[11:0];
        end
    endfunction
    // window index -> transfer byte, or -1 (not part of the transfer)
    function integer idx_of(input integer w);
        reg [31:0] o, i;
        integer k;
        begin
            idx_of = -1;
            if (w < 0 || w >= MEMSZ)
                idx_of = -1;
            else if (!x_pg) begin
                if (w >= x_s && w - x_s < x_len)
                    idx_of = w - x_s;
            end else begin
                k = x_pageof[w >> 12];
                if (k >= 0) begin
                    o = (((x_off >> 12) + k) << 12) | (w & 4095);
                    i = o - x_off;
                    if (i < x_len)
                        idx_of = i;
                end
            end
        end
    endfunction
    // bus address -> window index, or -1 outside the window
    function integer win_at(input [63:0] a);
        reg [63:0] d;
        begin
            d = a - x_mb;
            win_at = (d < MEMSZ) ? d[31:0] : -1;
        end
    endfunction
    // offset of the piece a data burst at bus address a belongs to
    function [31:0] piece_at(input [63:0] a);
        piece_at = x_pg ? piece_of(x_pageof[win_at(a) >> 12]) : x_off;
    endfunction

    // inject a bus error on this read beat / write response?
    function bus_error(input integer is_resp);
        begin
            bus_error = 1'b0;
            if (x_mode == M_BUSERR && (is_resp || !x_wr || x_pg)) begin
                bus_error = (x_evt == x_err_at) || (x_evt > x_err_at && rnd(4) == 0);
                x_evt = x_evt + 1;
            end
        end
    endfunction

    // ---- a new random transfer ----
    task new_xfer;
        integer i, k, f, t, lo;
        reg [63:0] e;
        begin
            xid = xid + 1;
            x_wr = rnd(2) && WRITES != 0;
            x_pg = rnd(2);
            case (rnd(4))
            0: x_mb = 64'h0000_0000_ffff_0000;        // straddles 2^32
            1: x_mb = 64'hffff_ffff_fffe_0000;        // ends at 2^64
            2: x_mb = 64'h0000_0000_0010_0000;
            default: x_mb = {$random(seed), $random(seed)} & ~64'hfff;
            endcase
            if (x_mb > 64'hffff_ffff_fffe_0000)
                x_mb = 64'hffff_ffff_fffe_0000;
            // mostly short (the edge cases are at the ends); a 1000-byte
            // PAGED transfer already crosses a page one time in four
            case (rnd(16))
            0, 1, 2, 3, 4, 5: x_len = 1 + rnd(48);
            // up to 3 pages (DW 1: 2 pages, at a byte a cycle)
            6:       x_len = 1 + rnd(DW == 1 ? 2048 : MAXLEN - 4096);
            default: x_len = 1 + rnd(1000);
            endcase
            case (rnd(4))
            0: x_off = rnd(64);
            1: x_off = {$random(seed)};
            default: x_off = rnd(1 << 20);
            endcase
            if (x_pg && rnd(2))          // PAGED: often across a page end
                x_off = (x_off | 32'hfff) - rnd(x_len);
            if (x_off > 32'hffff_ffff - x_len)       // offset + len <= 2^32
                x_off = 32'hffff_ffff - x_len;
            x_mode = M_CLEAN;
            x_bad = -1;
            x_np = 0;
            case (rnd(6))
            0: x_mode = M_BUSERR;
            1, 2: if (x_wr || kill_reads) x_mode = M_KILL;
            3: if (x_pg) x_mode = M_ALIGN;
            default: ;
            endcase
            for (f = 0; f < 32; f = f + 1)
                x_pageof[f] = -1;
            if (!x_pg) begin
                // anywhere in the window, frame 0 included; base + offset
                // wraps through the 64-bit add
                x_s = rnd(MEMSZ - x_len + 1);
                x_base = x_mb + x_s - {32'd0, x_off};
            end else begin
                x_np = ((x_off + x_len - 1) >> 12) - (x_off >> 12) + 1;
                // distinct random frames 1..31, in random order
                for (k = 0; k < x_np; k = k + 1) begin
                    f = 1 + rnd(31);
                    while (x_pageof[f] != -1)
                        f = 1 + rnd(31);
                    x_pageof[f] = k;
                    x_frame[k] = f;
                end
                x_lpos = 8 * rnd(512 - x_np);
                // base is 8-byte aligned; list[off >> 12] lands at x_lpos
                x_base = x_mb + x_lpos - {29'd0, x_off[31:12], 3'd0};
                if (x_mode == M_ALIGN)
                    x_bad = rnd(x_np);
                for (k = 0; k < x_np; k = k + 1) begin
                    e = x_mb + x_frame[k] * 4096;
                    if (k == x_bad)
                        e = e + 1 + rnd(4095);
                    for (i = 0; i < 8; i = i + 1)
                        mem[x_lpos + 8 * k + i] = e[8 * i +: 8];
                end
            end
            x_vals = 256'd0;
            for (i = 0; i < x_len; i = i + 1) begin
                srcb[i] = $random(seed);
                x_vals[srcb[i]] = 1'b1;
            end
            // fresh random bytes where a read can look (whole beats)
            if (!x_wr)
                for (i = 0; i < x_len; i = i + 1) begin
                    lo = win_of(i);
                    if (i == 0 || lo % 16 == 0)
                        for (t = lo & ~15; t < (lo & ~15) + 16; t = t + 1)
                            mem[t] = $random(seed);
                end
            if (rnd(4) == 0) begin                    // the bus at full speed
                pr_req = 100; pr_w = 100; pr_r = 100; pr_b = 100;
                pr_snk = 100; pr_src = 100;
            end else begin
                pr_req = 25 + rnd(76); pr_w = 25 + rnd(76); pr_r = 25 + rnd(76);
                pr_b = 25 + rnd(76); pr_snk = 25 + rnd(76); pr_src = 25 + rnd(76);
            end
            // a greedy producer of whole chunks fills the funnel to its
            // src_room limit
            if (rnd(2)) pr_src = 100;
            x_full = rnd(2);
            // bus errors: the first on a random read beat / write response
            // (page-list reads included) of about the transfer's count,
            // more after it with odds 1/4 (only the first may count)
            x_err_at = rnd((x_wr ? x_len / 256 : x_len / 16) + 2 * x_np + 2);
            x_evt = 0;
            x_kill_at = (x_mode == M_KILL) ? 1 + rnd(8 + x_len / DW) : -1;
            x_kill_cyc = -1;
            x_pushed = 0; x_sunk = 0; x_written = 0; x_nlist = 0; x_good = 0;
            x_cw = 0; x_cr = 0;
            x_err_seen = 1'b0;
            x_start_cyc = cyc;
            n_xfer = n_xfer + 1;
            n_wr = n_wr + x_wr;
            n_paged = n_paged + x_pg;
        end
    endtask

    // ---- checks at done ----
    task finish_xfer;
        reg        want_fault;
        reg [3:0]  want_cause;
        reg [31:0] want_off;
        integer    good;
        begin
            if (rq_n != 0 || wq_n != 0 || bq_n != 0 || rvalid) begin
                $display("FAIL done with bursts still on the bus (reads %0d, writes %0d, responses %0d)",
                         rq_n, wq_n, bq_n);
                die;
            end
            want_fault = 1'b0; want_cause = 4'd0; want_off = 32'd0;
            good = x_len;               // bytes that must have been moved
            if (x_mode == M_BUSERR && x_err_seen) begin
                want_fault = 1'b1; want_cause = C_BUS; want_off = x_err_off;
            end else if (x_mode == M_ALIGN) begin
                want_fault = 1'b1; want_cause = C_ALIGN; want_off = piece_of(x_bad);
                good = piece_of(x_bad) - x_off;
                if (x_nlist != x_bad + 1) begin
                    $display("FAIL %0d page-list reads, want %0d (up to the misaligned entry)",
                             x_nlist, x_bad + 1);
                    die;
                end
            end
            if (fault !== want_fault ||
                (want_fault && (fault_cause !== want_cause || fault_offset !== want_off))) begin
                $display("FAIL fault=%b cause=%0d offset=%h, want fault=%b cause=%0d offset=%h",
                         fault, fault_cause, fault_offset, want_fault, want_cause, want_off);
                die;
            end
            if (fault && want_cause == C_BUS)
                n_buserr = n_buserr + 1;
            if (fault && want_cause == C_ALIGN)
                n_align = n_align + 1;
            if (x_mode == M_KILL && x_kill_cyc >= 0) begin
                n_kill = n_kill + 1;
                if ((x_wr ? x_written : x_sunk) < x_len)
                    n_cut = n_cut + 1;
            end
            // bytes moved: all of them unless stopped; a bus error or kill
            // may stop anywhere (what did move was checked on the way)
            if (!(x_mode == M_KILL && x_kill_cyc >= 0) && !(x_mode == M_BUSERR && x_err_seen)) begin
                if ((x_wr ? x_written : x_sunk) != good) begin
                    $display("FAIL %0d bytes %s, want %0d", x_wr ? x_written : x_sunk,
                             x_wr ? "written" : "delivered", good);
                    die;
                end
            end
            if (x_mode == M_BUSERR && x_err_seen && !x_wr && x_sunk > x_good) begin
                $display("FAIL %0d bytes delivered, but only %0d came before the bus error",
                         x_sunk, x_good);
                die;
            end
            // perf: data bytes plus 8 per page-list entry, when not stopped
            if (!fault && !(x_mode == M_KILL && x_kill_cyc >= 0) &&
                (x_cw != (x_wr ? x_len : 0) ||
                 x_cr != (x_wr ? 0 : x_len) + 8 * x_np || x_nlist != x_np)) begin
                $display("FAIL perf counts: written %0d read %0d (%0d list reads), want %0d %0d (%0d)",
                         x_cw, x_cr, x_nlist, x_wr ? x_len : 0,
                         (x_wr ? 0 : x_len) + 8 * x_np, x_np);
                die;
            end
            n_bytes = n_bytes + (x_wr ? x_written : x_sunk);
        end
    endtask

    integer i, l, w, k, j, t, nin;
    reg [63:0] a;
    reg [15:0] strb;
    reg [7:0]  bv, want;

    initial begin
        if (!$value$plusargs("seed=%d", seed)) seed = 1;
        if (!$value$plusargs("cycles=%d", max_cycles)) max_cycles = 200000;
        if (!$value$plusargs("mutate=%d", mutate)) mutate = 0;
        if (!$value$plusargs("kill_reads=%d", kill_reads)) kill_reads = 1;
        seed0 = seed;
        for (i = 0; i < MEMSZ; i = i + 1) begin
            mem[i] = $random(seed);
            wtag[i] = 0;
        end
        x_mb = 64'd0; x_pg = 1'b0; x_wr = 1'b0;
        repeat (4) @(posedge clk);
        rst <= 1'b0;
    end

    always @(posedge clk) if (!rst) begin
        cyc = cyc + 1;

        // ---- protocol: stalled handshakes hold still ----
        if (p_reqv && !p_reqr &&
            (!req_valid || req_write !== p_reqw || req_addr !== p_reqa || req_len !== p_reql)) begin
            $display("FAIL request changed while stalled: %b %h len %0d, was %h len %0d",
                     req_valid, req_addr, req_len, p_reqa, p_reql);
            die;
        end
        if (p_wv && !p_wr && (!wvalid || wdata !== p_wd || wstrb !== p_ws || wlast !== p_wl)) begin
            $display("FAIL write beat changed while stalled");
            die;
        end
        if (p_sv && !p_sr && (!snk_valid || snk_data !== p_sd || snk_cnt !== p_sc)) begin
            $display("FAIL sink chunk changed while stalled");
            die;
        end
        if (!running && (req_valid || wvalid || snk_valid || busy)) begin
            $display("FAIL activity while idle: req %b w %b snk %b busy %b",
                     req_valid, wvalid, snk_valid, busy);
            die;
        end
        // busy from the cycle after start until done
        if (running && !done && cyc > x_start_cyc + 1 && !busy) begin
            $display("FAIL busy dropped without done"); die;
        end
        if (running && cyc - x_start_cyc > 200000) begin
            $display("FAIL no done after %0d cycles", cyc - x_start_cyc);
            die;
        end

        // kill stops issuing: a request may still appear in the cycle
        // after the kill cycle (issued in it), none later
        if (req_valid && !(p_reqv && !p_reqr) && x_kill_cyc >= 0 && cyc > x_kill_cyc + 1) begin
            $display("FAIL request %h issued %0d cycles after kill", req_addr, cyc - x_kill_cyc);
            die;
        end

        // ---- perf counts ----
        if (cnt_valid) begin
            if (cnt_write) x_cw = x_cw + cnt_bytes;
            else           x_cr = x_cr + cnt_bytes;
        end

        // ---- a request accepted ----
        if (req_valid && req_ready) begin
            if (req_addr[3:0] != 4'd0 || req_len + 1 > MAXB ||
                {56'd0, req_addr[7:0]} + 16 * (req_len + 1) > 256) begin
                $display("FAIL request %h len %0d: not 16 B aligned, over %0d beats or across 256 B",
                         req_addr, req_len, MAXB);
                die;
            end
            w = win_at(req_addr);
            if (x_pg && w >= 0 && w < 4096) begin
                // a page-list read: one beat at list[(off >> 12) + n],
                // nothing in flight
                a = x_base + 8 * ((x_off >> 12) + x_nlist);
                if (req_write || req_len != 4'd0 || req_addr !== {a[63:4], 4'd0}) begin
                    $display("FAIL page-list request %h len %0d write %b, want a 1-beat read of %h",
                             req_addr, req_len, req_write, a);
                    die;
                end
                if (rq_n != 0 || wq_n != 0 || bq_n != 0) begin
                    $display("FAIL page-list read with bursts in flight"); die;
                end
                if (x_nlist >= x_np) begin
                    $display("FAIL page-list read %0d of %0d pages", x_nlist + 1, x_np); die;
                end
                t = (rq_h + rq_n) % QN;
                rq_addr[t] = req_addr; rq_beats[t] = 1; rq_list[t] = 1'b1;
                rq_piece[t] = piece_of(x_nlist);
                rq_n = rq_n + 1;
                x_nlist = x_nlist + 1;
            end else begin
                if (req_write !== x_wr) begin
                    $display("FAIL %s burst in a %s transfer", req_write ? "write" : "read",
                             x_wr ? "write" : "read");
                    die;
                end
                if (w < 0) begin
                    $display("FAIL burst at %h, outside the memory", req_addr); die;
                end
                if (x_pg && x_pageof[w >> 12] < 0) begin
                    $display("FAIL burst at %h: not in a page of the transfer", req_addr); die;
                end
                if (x_pg && x_pageof[w >> 12] >= x_nlist) begin
                    $display("FAIL burst at %h before its page-list entry was read", req_addr); die;
                end
                nin = rq_n + wq_n + bq_n + 1;
                if (nin > MAXI) begin
                    $display("FAIL %0d bursts in flight (max %0d)", nin, MAXI); die;
                end
                n_bursts = n_bursts + 1;
                if (req_write) begin
                    t = (wq_h + wq_n) % QN;
                    wq_addr[t] = req_addr; wq_beats[t] = req_len + 1;
                    wq_piece[t] = piece_at(req_addr);
                    wq_n = wq_n + 1;
                end else begin
                    t = (rq_h + rq_n) % QN;
                    rq_addr[t] = req_addr; rq_beats[t] = req_len + 1; rq_list[t] = 1'b0;
                    rq_piece[t] = piece_at(req_addr);
                    rq_n = rq_n + 1;
                end
            end
        end

        // ---- a write beat taken (wready only for an accepted burst) ----
        if (wvalid && wready) begin
            a = wq_addr[wq_h] + 16 * w_beat;
            strb = wstrb;
            if (mutate == 1 && !mutated && x_mode == M_CLEAN) begin
                l = rnd(16);
                strb[l] = ~strb[l];
                mutated = 1'b1;
            end
            if (strb == 16'd0) begin
                $display("FAIL write beat %0d of the burst at %h has no strobes", w_beat,
                         wq_addr[wq_h]);
                die;
            end
            if (wlast !== (w_beat == wq_beats[wq_h] - 1)) begin
                $display("FAIL wlast=%b on beat %0d of %0d (burst at %h)", wlast, w_beat,
                         wq_beats[wq_h], wq_addr[wq_h]);
                die;
            end
            for (l = 0; l < 16; l = l + 1) begin
                w = win_at(a + l);
                bv = wdata[8 * l +: 8];
                if (strb[l]) begin
                    k = (w < 0) ? -1 : idx_of(w);
                    if (k < 0) begin
                        $display("FAIL byte written at %h, outside the transfer (beat %0d of the burst at %h, lane %0d)",
                                 a + l, w_beat, wq_addr[wq_h], l);
                        die;
                    end
                    if (wtag[w] == xid) begin
                        $display("FAIL byte %0d written twice (at %h)", k, a + l); die;
                    end
                    if (bv !== srcb[k]) begin
                        $display("FAIL byte %0d written at %h is %h, pushed %h", k, a + l, bv, srcb[k]);
                        die;
                    end
                    mem[w] = bv;
                    wtag[w] = xid;
                    x_written = x_written + 1;
                end else if (bv !== 8'd0 && !x_vals[bv]) begin
                    // unstrobed lanes may carry only this transfer's bytes
                    $display("FAIL unstrobed lane %0d carries %h, not a byte of this transfer", l, bv);
                    die;
                end
            end
            if (w_beat == wq_beats[wq_h] - 1) begin
                t = (bq_h + bq_n) % QN;
                bq_piece[t] = wq_piece[wq_h];
                bq_time[t] = cyc + rnd(6);
                bq_n = bq_n + 1;
                wq_h = (wq_h + 1) % QN; wq_n = wq_n - 1;
                w_beat = 0;
            end else
                w_beat = w_beat + 1;
        end

        // ---- a read beat taken ----
        if (rvalid && rready) begin
            // transfer bytes in this beat (each beat must hold some)
            nin = 0;
            a = rq_addr[rq_h] + 16 * r_beat;
            if (!rq_list[rq_h]) begin
                for (l = 0; l < 16; l = l + 1)
                    if (idx_of(win_at(a + l)) >= 0)
                        nin = nin + 1;
                if (nin == 0) begin
                    $display("FAIL read beat %0d of the burst at %h holds no byte of the transfer",
                             r_beat, rq_addr[rq_h]);
                    die;
                end
            end
            // bytes before the first error may be delivered, no later one
            if (!x_err_seen) begin
                if (rerr) begin
                    x_err_seen = 1'b1;
                    x_err_off = rq_piece[rq_h];
                end else
                    x_good = x_good + nin;
            end
            if (r_beat == rq_beats[rq_h] - 1) begin
                rq_h = (rq_h + 1) % QN; rq_n = rq_n - 1;
                r_beat = 0;
            end else
                r_beat = r_beat + 1;
        end

        // ---- a sink chunk taken ----
        if (snk_valid && snk_ready) begin
            if (snk_cnt == 5'd0 || snk_cnt > DW || x_wr) begin
                $display("FAIL sink chunk of %0d bytes (DW %0d) in a %s", snk_cnt, DW,
                         x_wr ? "write" : "read");
                die;
            end
            for (j = 0; j < snk_cnt; j = j + 1) begin
                if (x_sunk >= x_len) begin
                    $display("FAIL more than %0d bytes delivered", x_len); die;
                end
                want = mem[win_of(x_sunk)];
                if (mutate == 2 && !mutated && x_mode == M_CLEAN) begin
                    want = want ^ 8'h10;
                    mutated = 1'b1;
                end
                if (snk_data[8 * j +: 8] !== want) begin
                    $display("FAIL sink byte %0d is %h, memory at %h holds %h", x_sunk,
                             snk_data[8 * j +: 8], x_mb + win_of(x_sunk), want);
                    die;
                end
                x_sunk = x_sunk + 1;
            end
        end

        // ---- a chunk pushed ----
        if (src_valid) begin
            if (!running || !x_wr) begin
                $display("FAIL testbench pushed outside a write"); die;
            end
            x_pushed = x_pushed + src_cnt;
        end

        // ---- done ----
        if (done) begin
            if (!running) begin
                $display("FAIL done without a transfer (twice?)"); die;
            end
            finish_xfer;
            running = 1'b0;
            gap = rnd(4);
        end

        // ---- next cycle's inputs ----
        start <= 1'b0;
        kill  <= 1'b0;
        if (start) begin
            // the DUT must have taken its parameters: scramble them
            base <= {$random(seed), $random(seed)}; offset <= $random(seed);
            len <= $random(seed); paged <= $random(seed);
            write <= $random(seed) && WRITES != 0;
        end
        if (!running) begin
            if (gap > 0)
                gap = gap - 1;
            else if (cyc < max_cycles && !busy) begin
                new_xfer;
                start <= 1'b1; write <= x_wr; paged <= x_pg;
                base <= x_base; offset <= x_off; len <= x_len;
                running = 1'b1;
            end
        end else if (x_kill_at >= 0 && cyc - x_start_cyc == x_kill_at) begin
            kill <= 1'b1;
            x_kill_cyc = cyc + 1;
        end
        if (!running && cyc >= max_cycles) begin
            if (n_wr == n_xfer || n_paged == 0 || n_buserr == 0 || n_align == 0 ||
                (WRITES != 0 && (n_wr == 0 || n_cut == 0))) begin
                $display("FAIL coverage: %0d transfers, %0d writes, %0d paged, %0d bus-error faults, %0d page-align faults, %0d cut by kill",
                         n_xfer, n_wr, n_paged, n_buserr, n_align, n_cut);
                $fatal(1, "FAIL tb_xfer");
            end
            if (mutate != 0 && !mutated)
                $fatal(1, "FAIL tb_xfer: +mutate=%0d never applied", mutate);
            $display("PASS tb_xfer DW=%0d seed=%0d: %0d transfers (%0d writes, %0d paged), %0d bytes in %0d bursts, faults %0d bus-error %0d page-align, %0d kills (%0d cut short), %0d cycles",
                     DW, seed0, n_xfer, n_wr, n_paged, n_bytes, n_bursts, n_buserr, n_align,
                     n_kill, n_cut, cyc);
            $finish;
        end
        // bus: request and write-beat stalls
        req_ready <= chance(pr_req);
        wready <= (wq_n > 0) && chance(pr_w);
        // bus: the next read beat (held while not taken)
        if (!(rvalid && !rready)) begin
            rvalid <= 1'b0;
            if (rq_n > 0 && chance(pr_r)) begin
                a = rq_addr[rq_h] + 16 * r_beat;
                w = win_at(a);
                if (w < 0 || w > MEMSZ - 16) begin
                    $display("FAIL read at %h, outside the memory", a); die;
                end
                for (l = 0; l < 16; l = l + 1)
                    rdata[8 * l +: 8] <= mem[w + l];
                rvalid <= 1'b1;
                rlast <= (r_beat == rq_beats[rq_h] - 1);
                rerr <= bus_error(0);
            end
        end
        // bus: write responses, in order, one per cycle
        bvalid <= 1'b0;
        berr <= 1'b0;
        if (bq_n > 0 && bq_time[bq_h] <= cyc && chance(pr_b)) begin
            bvalid <= 1'b1;
            if (bus_error(1)) begin
                berr <= 1'b1;
                if (!x_err_seen) begin
                    x_err_seen = 1'b1;
                    x_err_off = bq_piece[bq_h];
                end
            end
            bq_h = (bq_h + 1) % QN; bq_n = bq_n - 1;
        end
        // stream: sink stalls; the producer's next chunk (garbage above
        // src_cnt); not in the start cycle
        snk_ready <= chance(pr_snk);
        room_d <= src_room;
        if (running && x_wr && cyc != x_start_cyc &&
            x_pushed < x_len && chance(pr_src)) begin
            k = x_full ? DW : 1 + rnd(DW);
            if (k > x_len - x_pushed)
                k = x_len - x_pushed;
            for (j = 0; j < DW; j = j + 1)
                src_data[8 * j +: 8] <= (j < k) ? srcb[x_pushed + j] : $random(seed);
            src_cnt <= k;
            p_want <= 1'b1;
        end else begin
            p_want <= 1'b0;
            src_cnt <= rnd(DW + 1);
            src_data <= {4{$random(seed)}};
        end

        // ---- remember this cycle ----
        p_reqv = req_valid; p_reqr = req_ready; p_reqw = req_write;
        p_reqa = req_addr; p_reql = req_len;
        p_wv = wvalid; p_wr = wready; p_wd = wdata; p_ws = wstrb; p_wl = wlast;
        p_sv = snk_valid; p_sr = snk_ready; p_sd = snk_data; p_sc = snk_cnt;
    end
endmodule
`default_nettype wire
