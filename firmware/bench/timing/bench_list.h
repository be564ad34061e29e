/* The sequences in seqs.S, in the order the harness runs and prints them. */
#define TIMING_BENCHES \
  X(empty) X(alu8) X(mul4) X(mull4) X(dsp4) \
  X(ldr1) X(ldr2) X(ldr3) X(ldrchain) X(ldrstrimm) X(ldrstrreg) X(strimm4) X(strwbsame) X(strwbalt) X(strreg) X(strldr) \
  X(ldrnop) X(ldrcmp) X(agu) X(ldrodd2) X(ldrodd1) X(ldrodd2x3) X(ldrhodd) X(strodd) X(ldrd) X(strd) X(ldm3) X(stm8) X(pushpop) \
  X(b16) X(bwide) X(bwideodd) X(bnottaken) X(btaken) X(blbx) X(cbztaken) X(cbznot) X(tbb) \
  X(it16) X(it32) X(msrcontrol) \
  X(udivzero) X(udivsmall) X(udiv100by5) X(udivmax) X(udiveq) X(sdivneg) \
  X(vadd4) X(vadddep) X(vfmaacc) X(vmulfma) X(vdivindep) X(vdivnopvmov) X(vdivint) X(vsqrtdep) \
  X(vmov1) X(vmov2) X(vldrvstr) X(vldm4) X(vcvtdep) X(vcmpvmrs) \
  X(loop20) X(loop20c) \
  X(svc) X(tailchain)
