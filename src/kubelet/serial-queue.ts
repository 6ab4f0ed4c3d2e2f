/**
 * Runs async jobs one after another. On the simulated clock the kubelet's pod workers take
 * turns, so that two pods woken by one relist make their CRI calls in a fixed order and a
 * recording is the same every run. (The real kubelet runs them in parallel goroutines.)
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job, job);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
