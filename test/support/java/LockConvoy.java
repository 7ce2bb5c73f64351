import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A lock convoy: n threads ("convoy-0"…) blocked entering one synchronized
 * monitor that the thread "holder" holds while it sleeps.
 *
 *   java -cp DIR LockConvoy <n>
 *
 * Once every convoy thread is BLOCKED (Thread.getState), writes
 *   ready holder=<tid> tids=<tid>,<tid>,...
 * (native tids, read from /proc/thread-self) and the main thread sleeps.
 */
public final class LockConvoy {
  private static final Object LOCK = new Object();

  static int nativeTid() {
    try {
      String link = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString(); // "<pid>/task/<tid>"
      return Integer.parseInt(link.substring(link.lastIndexOf('/') + 1));
    } catch (Exception e) {
      throw new IllegalStateException("cannot read /proc/thread-self", e);
    }
  }

  static void sleepForever() {
    for (;;) {
      try {
        Thread.sleep(1_000_000L);
      } catch (InterruptedException e) {
        // keep sleeping
      }
    }
  }

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    CountDownLatch held = new CountDownLatch(1);
    int[] holderTid = new int[1];
    Thread holder = new Thread(() -> {
      holderTid[0] = nativeTid();
      synchronized (LOCK) {
        held.countDown();
        sleepForever();
      }
    }, "holder");
    holder.setDaemon(true);
    holder.start();
    held.await();

    int[] tids = new int[n];
    List<Thread> convoy = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      final int index = i;
      Thread t = new Thread(() -> {
        tids[index] = nativeTid();
        synchronized (LOCK) {
          tids[index] = -tids[index]; // never reached while the holder sleeps
        }
      }, "convoy-" + i);
      t.setDaemon(true);
      convoy.add(t);
      t.start();
    }
    for (Thread t : convoy) {
      while (t.getState() != Thread.State.BLOCKED) Thread.sleep(1);
    }
    StringBuilder line = new StringBuilder("ready holder=").append(holderTid[0]).append(" tids=");
    for (int i = 0; i < n; i++) line.append(i == 0 ? "" : ",").append(tids[i]);
    System.out.println(line);
    System.out.flush();
    sleepForever();
  }
}
