// Pulls the contract constants (rtl/generated/dnpu_hw.vh) into the
// including module's scope. The generated file has an include guard, so it
// is re-armed here to let every module get its own copy; a module uses a
// few of the hundreds of constants, hence the scoped UNUSEDPARAM waiver.
/* verilator lint_off UNUSEDPARAM */
`undef DNPU_HW_VH
`include "generated/dnpu_hw.vh"
/* verilator lint_on UNUSEDPARAM */
