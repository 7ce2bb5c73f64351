import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An idle pool: a fixed ExecutorService of n threads ("pool-worker-0"…) with
 * nothing to do, each parked in LinkedBlockingQueue.take() (LockSupport.park).
 *
 *   java -cp DIR ParkedPool <n>
 *
 * Runs one task on each worker (to learn its native tid), waits until every
 * worker is WAITING again, writes
 *   ready main=<tid> tids=<tid>,<tid>,...
 * and the main thread sleeps.
 */
public final class ParkedPool {
  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    AtomicInteger named = new AtomicInteger();
    Thread[] workers = new Thread[n];
    ExecutorService pool = Executors.newFixedThreadPool(n, (r) -> {
      int index = named.getAndIncrement();
      Thread t = new Thread(r, "pool-worker-" + index);
      t.setDaemon(true);
      workers[index] = t;
      return t;
    });
    int[] tids = new int[n];
    CountDownLatch all = new CountDownLatch(n);
    CountDownLatch go = new CountDownLatch(1);
    for (int i = 0; i < n; i++) {
      pool.execute(() -> {
        String name = Thread.currentThread().getName();
        tids[Integer.parseInt(name.substring(name.lastIndexOf('-') + 1))] = LockConvoy.nativeTid();
        all.countDown();
        try {
          go.await(); // each task holds its worker until all n have started
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
    }
    all.await();
    go.countDown();
    for (Thread t : workers) {
      while (t.getState() != Thread.State.WAITING) Thread.sleep(1);
    }
    StringBuilder line = new StringBuilder("ready main=").append(LockConvoy.nativeTid()).append(" tids=");
    for (int i = 0; i < n; i++) line.append(i == 0 ? "" : ",").append(tids[i]);
    System.out.println(line);
    System.out.flush();
    LockConvoy.sleepForever();
  }
}
