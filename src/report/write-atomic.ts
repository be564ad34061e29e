/** Moved to src/common/write-atomic.ts; this re-export goes once nothing imports it from here. */
export { writeFileAtomic } from '../common/write-atomic.js';
