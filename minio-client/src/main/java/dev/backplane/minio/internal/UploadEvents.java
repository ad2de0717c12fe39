package dev.backplane.minio.internal;

import dev.backplane.minio.ConfirmedUpload;
import dev.backplane.minio.UploadListener;
import dev.backplane.minio.UploadMismatchException;
import dev.backplane.minio.UploadRefusedException;
import dev.backplane.minio.Uploads;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells an {@link UploadListener} how signing and confirming ended for one bucket; what the
 * listener throws is logged and dropped. Internal: register a listener with {@code Uploads.create}.
 *
 * @param bucket the bucket the events are about
 * @param listener told every event
 */
public record UploadEvents(String bucket, UploadListener listener) {
  /** Logs under {@link Uploads}, the class applications configure logging for. */
  private static final Logger log = LoggerFactory.getLogger(Uploads.class);

  /**
   * Signs with {@code signing} ({@code method} is {@code PUT} or {@code POST}) and tells the
   * listener what came of it.
   */
  public <T> T signed(String method, Supplier<T> signing) {
    return told(signing, l -> l.onPresigned(bucket, method));
  }

  /** Runs a confirmation and tells the listener how it ended. */
  public ConfirmedUpload confirmed(Supplier<ConfirmedUpload> confirmation) {
    return told(confirmation, l -> l.onConfirmed(bucket));
  }

  /** Runs {@code action}, then tells the listener {@code done}, or that it was refused or found different. */
  private <T> T told(Supplier<T> action, Consumer<UploadListener> done) {
    try {
      T result = action.get();
      tell(done);
      return result;
    } catch (UploadMismatchException e) {
      tell(l -> l.onMismatch(bucket, e.mismatch()));
      throw e;
    } catch (UploadRefusedException e) {
      tell(l -> l.onRefused(bucket, e.reason()));
      throw e;
    }
  }

  private void tell(Consumer<UploadListener> event) {
    try {
      event.accept(listener);
    } catch (RuntimeException e) {
      log.warn("UploadListener {} failed: {}", listener, e.toString());
    }
  }
}
