/** Board profiles as data: load, list, and the flash wait-state rule they carry. */
export { DEFAULT_BOARD, listBoards, loadBoard, PERIPHERAL_MODELS, type PeripheralModel } from './load.js';
export { waitStateRow, waitStatesRequired, type SupplyState } from './flash-timing.js';
export type * from './types.js';
