package org.ovirt.vdsm.messaging.server.rpc;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A test API method that blocks until {@link #release()}d (at most 30 s) or interrupted, and records
 * an interruption: a call that runs past its deadline.
 */
public final class BlockingMethod implements ApiMethod {
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch interrupted = new CountDownLatch(1);

  @Override
  public JsonElement invoke(JsonObject params) {
    try {
      release.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      interrupted.countDown();
      Thread.currentThread().interrupt();
    }
    return null;
  }

  /** Lets every blocked call (and every later one) return. */
  public void release() {
    release.countDown();
  }

  /** Whether a call was interrupted within {@code seconds}. */
  public boolean awaitInterrupted(long seconds) throws InterruptedException {
    return interrupted.await(seconds, TimeUnit.SECONDS);
  }
}
