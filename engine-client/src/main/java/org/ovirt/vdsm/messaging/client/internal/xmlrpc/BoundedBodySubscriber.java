package org.ovirt.vdsm.messaging.client.internal.xmlrpc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects an HTTP response body of at most {@code maxBytes}; a longer one (announced or actual)
 * is cut off: the exchange is cancelled and the body fails with an {@link IOException}.
 */
final class BoundedBodySubscriber implements HttpResponse.BodySubscriber<byte[]> {
  private final long maxBytes;
  private final long announced;
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private Flow.Subscription subscription;
  private long size;

  /** @param announced the Content-Length, or -1 */
  BoundedBodySubscriber(long maxBytes, long announced) {
    this.maxBytes = maxBytes;
    this.announced = announced;
  }

  /** A handler making one of these per response, checking Content-Length first. */
  static HttpResponse.BodyHandler<byte[]> handler(long maxBytes) {
    return info -> new BoundedBodySubscriber(maxBytes, info.headers().firstValueAsLong("Content-Length").orElse(-1));
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (announced > maxBytes) {
      s.cancel();
      result.completeExceptionally(new IOException("response of " + announced + " bytes is over the limit of " + maxBytes));
      return;
    }
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    if (result.isDone()) {
      return;
    }
    for (ByteBuffer b : buffers) {
      size += b.remaining();
      if (size > maxBytes) {
        subscription.cancel();
        result.completeExceptionally(new IOException("response is over the limit of " + maxBytes + " bytes"));
        return;
      }
      byte[] chunk = new byte[b.remaining()];
      b.get(chunk);
      out.write(chunk, 0, chunk.length);
    }
  }

  @Override
  public void onError(Throwable throwable) {
    result.completeExceptionally(throwable);
  }

  @Override
  public void onComplete() {
    result.complete(out.toByteArray());
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return result;
  }
}
