import { Worker } from 'node:worker_threads'

// CPU starvation on demand (like `stress --cpu 1`): a worker thread that spins until stopped,
// so a test can show its code holds while the machine is busy, not only on a quiet one.
export function burnCore(): { stop(): Promise<void> } {
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads')
     const flag = new Int32Array(new SharedArrayBuffer(4))
     parentPort.postMessage(flag.buffer)
     let x = 0
     while (Atomics.load(flag, 0) === 0) x = (x * 31 + 7) % 1000003
     parentPort.postMessage(x)`,
    { eval: true },
  )
  const flag = new Promise<Int32Array>((resolve) =>
    worker.once('message', (buffer: SharedArrayBuffer) => resolve(new Int32Array(buffer))),
  )
  return {
    async stop() {
      Atomics.store(await flag, 0, 1)
      await worker.terminate()
    },
  }
}
