/**
 * The V8 heap settings the bridge is launched with. The CLI's shebang and `npm start` spell them
 * out (a shebang cannot import); test/launch-flags.test.ts holds both to this list, and the bench
 * starts its bridges with it, so what is measured is what ships. They are node's command-line flags
 * because node refuses --heap-growing-percent in NODE_OPTIONS, and the semi-space is sized when the
 * heap is made (v8.setFlagsFromString at run time is too late for it). `serve` warns when they are
 * missing.
 *
 * Why: what V8 keeps committed, not what the sessions hold, made most of the RSS. With 100k live
 * sessions the live heap is 28.5 MiB, yet a bridge sat at 200–240 MiB: a young generation of up
 * to 3 × 16 MiB, and an old generation grown to several times its live data. With these two the
 * bench's RSS target measured 129 MiB against 219 (each alone: 198 and 143–156), and startSession,
 * REST and SOAP checks measured the same within the machine's noise (two runs each way). A semi-
 * space of 4 MiB instead of 8 cost startSession 11–12%: the young generation then fills too often.
 */
export const V8_FLAGS: readonly string[] = ['--max-semi-space-size=8', '--heap-growing-percent=50'];
