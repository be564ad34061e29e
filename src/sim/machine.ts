/**
 * A board put together: memory regions and aliases from the board profile, bit-band aliases, the
 * system control space (SCB/NVIC/SysTick/DWT/ITM) and the chip's peripherals on one bus, one Cortex-M4
 * core with its exception unit, and semihosting. The runner (./runner.ts) loads an ELF into it.
 */
import { Bus, BitBandAlias } from '../mcu/bus.js';
import { createRegion, type MemoryRegion } from '../cpu/memory.js';
import type { Board } from '../mcu/boards/types.js';
import { Cpu } from '../cpu/cpu.js';
import { ExceptionUnit, EXC } from '../cpu/exceptions.js';
import { SystemControlSpace } from '../mcu/system/scs.js';
import { SysTick } from '../mcu/system/systick.js';
import { Dwt } from '../mcu/system/dwt.js';
import { Itm, type ItmSink } from '../mcu/system/itm.js';
import { ReadAsZero } from '../mcu/system/read-as-zero.js';
import { FlashAccelerator } from '../mcu/flash-accelerator.js';
import { M4CycleModel } from '../cpu/cycle-model.js';
import { createBoardDevices, type BoardDevices } from '../mcu/peripherals/index.js';
import type { PeripheralWarning } from '../mcu/peripherals/events.js';
import type { Peripheral } from '../mcu/peripheral.js';
import { LevelSensitiveReturns } from '../mcu/level-interrupts.js';
import { Mpu, MpuBoundaries } from '../mcu/system/mpu.js';

export interface MachineEvents {
  /** An access the models do not implement: reported, never silently invented. */
  unmodelled(address: number, write: boolean, value: number, device: string): void;
  itm: ItmSink;
  /** A byte sent by a UART (transmission is instant); the board's console goes to stdout. */
  transmit(byte: number, peripheral: string, isConsole: boolean): void;
  warning(w: PeripheralWarning): void;
}

export interface Machine {
  board: Board;
  bus: Bus;
  cpu: Cpu;
  exceptions: ExceptionUnit;
  scs: SystemControlSpace;
  systick: SysTick;
  dwt: Dwt;
  itm: Itm;
  regions: Map<string, MemoryRegion>;
  devices: BoardDevices;
  /** The cycle model installed on the core (src/cpu/cycle-model.ts). */
  timing: M4CycleModel;
  /** Flash wait states and the ART accelerator, on boards with flash timing data. */
  flashAccelerator?: FlashAccelerator;
  /** Core clock in Hz now (follows RCC when the board has one). */
  coreClockHz: () => number;
  /** Simulated time so far: cycles integrated over every core clock the firmware set (RCC writes). */
  simulatedSeconds: () => number;
  /** simulatedSeconds' bookkeeping: seconds before the last clock change, its cycle count, the clock since. */
  time: { secondsBefore: number; cyclesAtChange: number; hzSince: number };
  /** Devices with timed behaviour, asked for their next event cycle. */
  reset(): void;
}

export function buildMachine(board: Board, events: MachineEvents): Machine {
  const bus = new Bus();
  const regions = new Map<string, MemoryRegion>();
  for (const m of board.memory) {
    const region = createRegion(m.name, m.base, m.size, m.kind);
    regions.set(m.name, region);
    bus.mapRegion(region);
  }
  for (const a of board.aliases) {
    const target = regions.get(a.target);
    if (!target) throw new Error(`board ${board.name}: alias ${a.name} targets unknown memory ${a.target}`);
    bus.mapRegion(target, a.base);
  }
  if (board.cpu.bitBanding) {
    bus.mapDevice(new BitBandAlias('sram-bitband', 0x22000000, 0x20000000, bus));
    bus.mapDevice(new BitBandAlias('periph-bitband', 0x42000000, 0x40000000, bus));
  }
  const cpu = new Cpu(bus);
  const exceptions = new ExceptionUnit(cpu, board.cpu.nvicIrqs, board.cpu.nvicPriorityBits);
  cpu.basepriMask = exceptions.priorityMask;
  cpu.exceptions = exceptions;
  let devices: BoardDevices | undefined = undefined;
  const coreClockHz = () => devices!.clock.coreClockHz();
  const ref = board.clocks.systickReference;
  const referenceDivider = 'hclkDivider' in ref ? ref.hclkDivider : Math.max(1, Math.round(board.clocks.resetHz / ref.hz));
  // CALIB (B3.3.6): TENMS = the reload value for 10 ms of reference ticks (ticks - 1, 0x270f on
  // QEMU's mps2 with its 1 MHz REFCLK); NOREF clear; SKEW set when 10 ms is not a whole number of ticks.
  const ticksIn10Ms = board.clocks.resetHz / referenceDivider / 100;
  const calib = ((Math.round(ticksIn10Ms) - 1) & 0xffffff) | (Number.isInteger(ticksIn10Ms) ? 0 : 1 << 30);
  const systick = new SysTick(cpu, referenceDivider, () => exceptions.setPending(EXC.SysTick), calib);
  const unmodelled = (device: string) => (address: number, write: boolean, value: number) => events.unmodelled(address, write, value, device);
  const mpu = new Mpu(cpu, exceptions, bus);
  const scs = new SystemControlSpace(cpu, exceptions, systick, {
    mpu,
    cpuid: board.cpu.cpuid,
    irqCount: board.cpu.nvicIrqs,
    unmodelled: unmodelled('scs'),
    resetRequest: () => machine.reset(),
    // ACTLR.DISFOLD (Cortex-M4 TRM §4.3.1) turns IT folding off.
    actlrWritten: (actlr) => { timing.foldIt = (actlr & 4) === 0; },
  });
  const traceEnabled = () => (scs.demcr & (1 << 24)) !== 0;
  const dwt = new Dwt(cpu, traceEnabled, unmodelled('dwt'));
  const itm = new Itm(traceEnabled, events.itm, unmodelled('itm'));
  bus.mapDevice(itm);
  bus.mapDevice(dwt);
  bus.mapDevice(scs);
  devices = createBoardDevices(board, {
    onUnmodelled: (a) => events.unmodelled(a.address, a.write, a.value, a.peripheral),
    onWarning: (w) => events.warning(w),
    onTransmit: (byte, p) => events.transmit(byte, p, p === board.console),
    // Peripheral interrupt lines (level-sensitive) pend their IRQ; timed arrivals wake the run loop.
    onInterrupt: (irq) => exceptions.setPending(EXC.IRQ0 + irq),
    onScheduled: (cycle) => { if (cycle < cpu.nextEventCycle) cpu.nextEventCycle = cycle; },
  });
  devices.attachCycleCounter(() => cpu.cycles);
  cpu.exceptions = new MpuBoundaries(
    new LevelSensitiveReturns(exceptions, cpu, (irq) => devices!.interruptLineHigh(irq), (e) => exceptions.setPending(e)),
    mpu,
    cpu,
  );
  for (const d of devices.list) bus.mapDevice(d.tick ? new TimedDevice(d, cpu) : d);
  // Core timing: flash wait states and the ART follow FLASH_ACR (re-read after every write to it).
  const flashDevice = devices.flash;
  const flashAccelerator = board.flash && flashDevice ? new FlashAccelerator(board, flashDevice) : undefined;
  if (flashDevice && flashAccelerator) flashDevice.onAcrWrite(() => flashAccelerator.sync());
  const timing = new M4CycleModel(flashAccelerator ?? null);
  cpu.cycleModel = timing;
  // Time advances at the clock in force: close the current stretch whenever RCC changes HCLK.
  // Kept in an object the machine holds, not in closure variables, so a snapshot (src/sim/snapshot.ts) sees it.
  const time = { secondsBefore: 0, cyclesAtChange: 0, hzSince: devices.clock.coreClockHz() };
  devices.clock.onClockChange(() => {
    const hz = devices!.clock.coreClockHz();
    if (hz === time.hzSince) return;
    time.secondsBefore += (cpu.cycles - time.cyclesAtChange) / time.hzSince;
    time.cyclesAtChange = cpu.cycles;
    time.hzSince = hz;
  });
  const simulatedSeconds = () => time.secondsBefore + (cpu.cycles - time.cyclesAtChange) / time.hzSince;
  // The rest of the private peripheral bus (FPB, TPIU, ETM, ROM table) reads as zero, as in QEMU.
  bus.mapDeviceWhereFree(new ReadAsZero('ppb', 0xe0000000, 0x00100000, unmodelled('ppb')));
  for (const z of board.readAsZero) bus.mapDeviceWhereFree(new ReadAsZero(z.name, z.base, z.size, unmodelled(z.name)));

  cpu.onEvent = (c) => {
    systick.sync();
    devices!.syncEvents();
    c.nextEventCycle = Math.min(systick.nextEventCycle(), devices!.nextEventCycle());
    if (c.nextEventCycle <= c.cycles) c.nextEventCycle = c.cycles + 1;
  };

  const machine: Machine = {
    board, bus, cpu, exceptions, scs, systick, dwt, itm, regions, devices, timing, coreClockHz, simulatedSeconds, time,
    ...(flashAccelerator ? { flashAccelerator } : {}),
    reset() {
      exceptions.reset();
      scs.reset();
      mpu.reset();
      systick.reset();
      dwt.reset();
      itm.reset();
      for (const d of bus.devices) if (d !== scs && d !== dwt && d !== itm && d !== systick as unknown) d.reset();
      flashAccelerator?.sync();
      timing.foldIt = true;
      timing.flushPipeline();
      resetCore(cpu, exceptions);
    },
  };
  return machine;
}

/** Reset behaviour (ARMv7-M ARM B1.5.5): SP_main from vector 0, PC from vector 1, Thread mode. */
export function resetCore(cpu: Cpu, exceptions: ExceptionUnit): void {
  cpu.r.fill(0);
  cpu.sBits.fill(0);
  cpu.apsr = 0;
  cpu.itstate = 0;
  cpu.ipsr = 0;
  cpu.control = 0;
  cpu.primask = cpu.faultmask = cpu.basepri = 0;
  cpu.fpscr = 0;
  cpu.psp = 0;
  cpu.halted = false;
  cpu.sleeping = false;
  cpu.exclusiveAddress = -1;
  const sp = cpu.bus.read(exceptions.vtor, 4) & ~3;
  const reset = cpu.bus.read(exceptions.vtor + 4, 4);
  cpu.msp = sp;
  cpu.r[13] = sp;
  cpu.r[14] = 0xffffffff;
  cpu.pc = reset & ~1;
  cpu.nextPC = cpu.pc;
  cpu.pendingInvState = (reset & 1) === 0;
  cpu.nextEventCycle = cpu.cycles + 1;
}

/**
 * A device whose registers follow time (counters): before each access it is told how many cycles
 * passed since the last one, so it costs nothing while the firmware does not look at it.
 */
class TimedDevice implements Peripheral {
  private last = 0;
  constructor(
    private readonly inner: Peripheral,
    private readonly cpu: Cpu,
  ) {}
  get name() { return this.inner.name; }
  get base() { return this.inner.base; }
  get size() { return this.inner.size; }
  private catchUp(): void {
    this.inner.tick!(this.cpu.cycles - this.last);
    this.last = this.cpu.cycles;
  }
  read(offset: number, width: 1 | 2 | 4): number {
    this.catchUp();
    return this.inner.read(offset, width);
  }
  write(offset: number, width: 1 | 2 | 4, value: number): void {
    this.catchUp();
    this.inner.write(offset, width, value);
  }
  reset(): void {
    this.last = this.cpu.cycles;
    this.inner.reset();
  }
}
