/* Cortex-M4 timing micro-benchmarks: each t_<name> times one instruction sequence with DWT CYCCNT
 * and returns the cycles from the first CYCCNT read to the second. The frame around every sequence
 * is the same: `ldr r1,[r0]` (start), `mov r12,r12`, <sequence>, `mov r12,r12`, `ldr r2,[r0]` (end);
 * the two MOVs keep the sequence's first and last instructions from overlapping the CYCCNT reads, so
 * t_<name> - t_empty is the sequence's own cost. Expected costs and their sources (TRM rows, silicon
 * measurements) are in test/timing/micro.test.ts, not here.
 * Registers: r0 = &DWT_CYCCNT and r1 = start (kept), r2-r11 free, r4 = buf (SRAM), r6 = 8. */
  .syntax unified
  .thumb
  .text

  .macro BEGIN name
  .global t_\name
  .type t_\name, %function
  .balign 16
t_\name:
  push {r4-r11, lr}
  ldr r4, =buf
  movs r6, #8
  str r4, [r4, #16]
  .endm

  .macro START
  ldr r0, =0xE0001004
  ldr r1, [r0]
  mov r12, r12
  .endm

  .macro END
  mov r12, r12
  ldr r2, [r0]
  subs r0, r2, r1
  pop {r4-r11, pc}
  .ltorg
  .endm

  BEGIN empty
  START
  END

  /* ---- data processing, multiply, DSP ---- */
  BEGIN alu8
  START
  adds r3, r3, #1
  adds r3, r3, #1
  adds r3, r3, #1
  adds r3, r3, #1
  add.w r3, r3, #1
  add.w r3, r3, #1
  eor r5, r5, r3, lsl #3
  ubfx r5, r3, #2, #5
  END

  BEGIN mul4
  START
  mul r3, r5, r7
  mla r3, r5, r7, r3
  mls r8, r5, r7, r3
  muls r5, r7
  END

  BEGIN mull4
  START
  umull r3, r5, r7, r8
  smull r3, r5, r7, r8
  umlal r3, r5, r7, r8
  smlal r3, r5, r7, r8
  END

  BEGIN dsp4
  START
  smlad r3, r5, r7, r3
  qadd16 r5, r7, r8
  smulbb r3, r5, r7
  ssat r3, #8, r5
  END

  /* ---- loads and stores ---- */
  BEGIN ldr1
  START
  ldr r3, [r4]
  END

  BEGIN ldr2
  START
  ldr r3, [r4]
  ldr r5, [r4, #4]
  END

  BEGIN ldr3
  START
  ldr r3, [r4, r6]
  ldr r5, [r4]
  ldr r7, [r4, #4]
  END

  BEGIN ldrchain
  START
  ldr r3, [r4, #16]
  ldr r5, [r3, #16]
  END

  BEGIN ldrstrimm
  START
  ldr r3, [r4]
  str r3, [r4, #8]
  END

  BEGIN ldrstrreg
  START
  ldr r3, [r4, r6]
  str r5, [r4, r6]
  END

  BEGIN strimm4
  START
  str r3, [r4]
  str r3, [r4, #4]
  strh r3, [r4, #8]
  strb r3, [r4, #12]
  END

  /* pre/post-indexed stores back to back: on one base register, then alternating two */
  BEGIN strwbsame
  START
  str r3, [r4], #4
  str r5, [r4], #4
  END

  BEGIN strwbalt
  add r7, r4, #32
  START
  str r3, [r4], #4
  str r5, [r7], #4
  END

  BEGIN strreg
  START
  str r3, [r4, r6]
  END

  BEGIN strldr
  START
  str r3, [r4]
  ldr r5, [r4, #4]
  END

  BEGIN ldrnop
  START
  ldr r3, [r4]
  nop
  END

  BEGIN ldrcmp
  START
  ldr r3, [r4]
  cmp r5, #0
  END

  BEGIN agu
  START
  adds r4, r4, #0
  ldr r3, [r4]
  END

  BEGIN ldrodd2
  START
  ldr r3, [r4, #2]
  END

  BEGIN ldrodd1
  START
  ldr r3, [r4, #1]
  END

  BEGIN ldrodd2x3
  START
  ldr r3, [r4, #2]
  ldr r5, [r4, #6]
  ldr r7, [r4, #10]
  END

  BEGIN ldrhodd
  START
  ldrh r3, [r4, #1]
  END

  BEGIN strodd
  START
  str r3, [r4, #1]
  END

  BEGIN ldrd
  START
  ldrd r3, r5, [r4]
  END

  BEGIN strd
  START
  strd r3, r5, [r4]
  END

  BEGIN ldm3
  START
  ldm r4, {r3, r5, r7}
  END

  BEGIN stm8
  START
  stm r4, {r2, r3, r5, r6, r7, r8, r9, r10}
  END

  BEGIN pushpop
  START
  push {r3, r5}
  pop {r3, r5}
  END

  /* ---- branches ---- */
  BEGIN b16
  START
  b 1f
1:
  END

  BEGIN bwide
  START
  b 1f
  .balign 4
1:
  add.w r3, r3, #1
  END

  BEGIN bwideodd
  START
  b 1f
  .balign 4
  nop
1:
  add.w r3, r3, #1
  END

  BEGIN bnottaken
  START
  cmp r3, r3
  bne 1f
1:
  END

  BEGIN btaken
  START
  cmp r3, r3
  beq 1f
1:
  END

  BEGIN blbx
  START
  bl leaf
  END

  BEGIN cbztaken
  movs r3, #0
  START
  cbz r3, 1f
  adds r5, #1
  adds r5, #1
1:
  END

  BEGIN cbznot
  movs r3, #1
  START
  cbz r3, 1f
  adds r5, #1
  adds r5, #1
1:
  END

  BEGIN tbb
  movs r3, #0
  START
  tbb [pc, r3]
2:
  .byte (1f - 2b) / 2, 0
1:
  END

  BEGIN it16
  START
  adds r3, r3, #1
  it eq
  moveq r5, r7
  END

  BEGIN it32
  START
  add.w r3, r3, #1
  it eq
  moveq r5, r7
  END

  BEGIN msrcontrol
  START
  mrs r3, control
  msr control, r3
  END

  /* ---- divide: dividend r3, divisor r5 set before the start ---- */
  .macro DIV name, insn, a, b
  BEGIN \name
  ldr r3, =\a
  ldr r5, =\b
  START
  \insn r7, r3, r5
  END
  .endm
  DIV udivzero, udiv, 0, 7
  DIV udivsmall, udiv, 5, 100
  DIV udiv100by5, udiv, 100, 5
  DIV udivmax, udiv, 0xFFFFFFFF, 1
  DIV udiveq, udiv, 1000, 999
  DIV sdivneg, sdiv, -100, 5

  /* ---- FPU ---- */
  BEGIN vadd4
  START
  vadd.f32 s0, s1, s2
  vadd.f32 s3, s1, s2
  vsub.f32 s4, s1, s2
  vmul.f32 s5, s1, s2
  END

  BEGIN vadddep
  START
  vadd.f32 s0, s1, s2
  vadd.f32 s3, s0, s2
  END

  BEGIN vfmaacc
  START
  vfma.f32 s0, s1, s2
  vfma.f32 s0, s3, s4
  END

  BEGIN vmulfma
  START
  vmul.f32 s3, s1, s2
  vfma.f32 s0, s3, s4
  END

  BEGIN vdivindep
  START
  vdiv.f32 s0, s1, s2
  vadd.f32 s3, s4, s5
  END

  BEGIN vdivnopvmov
  START
  vdiv.f32 s0, s1, s2
  nop
  vmov r3, s0
  END

  BEGIN vdivint
  START
  vdiv.f32 s0, s1, s2
  adds r3, r3, #1
  END

  BEGIN vsqrtdep
  START
  vsqrt.f32 s0, s1
  vadd.f32 s3, s0, s2
  END

  BEGIN vmov1
  START
  vmov r3, s1
  vmov s2, r3
  END

  BEGIN vmov2
  START
  vmov r3, r5, s2, s3
  END

  BEGIN vldrvstr
  START
  vldr s0, [r4]
  vstr s1, [r4, #4]
  END

  BEGIN vldm4
  START
  vldm r4, {s0-s3}
  END

  BEGIN vcvtdep
  START
  vcvt.s32.f32 s0, s1
  vmov r3, s0
  END

  BEGIN vcmpvmrs
  START
  vcmp.f32 s0, s1
  vmrs APSR_nzcv, fpscr
  END

  /* ---- exceptions: r2/r3 are stacked and restored, r0/r1 too ---- */
  BEGIN svc
  START
  svc #0
  END

  /* The loop template of the silicon measurements (TIMING.md §5.3): 1000 iterations of 17 nop.w,
   * subs.w and bne.w, the loop entry word-aligned (BEGIN's 10 bytes + 4 here + START's 6 = 20). The
   * second variant has two 16-bit NOPs instead of two nop.w before subs.w. */
  BEGIN loop20
  movw r9, #1000
  START
1:
  .rept 17
  nop.w
  .endr
  subs.w r9, r9, #1
  bne.w 1b
  END

  BEGIN loop20c
  movw r9, #1000
  START
1:
  .rept 15
  nop.w
  .endr
  nop
  nop
  subs.w r9, r9, #1
  bne.w 1b
  END

  BEGIN tailchain
  ldr r2, =0xE000ED04
  mov r3, #0x10000000
  START
  str r3, [r2]
  END

  .balign 4
  .type leaf, %function
leaf:
  bx lr

  .global SVC_Handler
  .type SVC_Handler, %function
SVC_Handler:
  bx lr

  /* PendSV pends IRQ 0 (same priority, so it waits) and returns: the return tail-chains into it. */
  .global PendSV_Handler
  .type PendSV_Handler, %function
PendSV_Handler:
  ldr r2, =0xE000E200
  movs r3, #1
  str r3, [r2]
  bx lr
  .ltorg

  .global IRQ_Handler
  .type IRQ_Handler, %function
IRQ_Handler:
  bx lr

  .bss
  .balign 8
  .global buf
buf:
  .space 64
