package dev.backplane.spring.internal;

import dev.backplane.minio.UploadListener;
import dev.backplane.minio.UploadMismatchException;
import dev.backplane.minio.UploadRefusedException;
import java.util.List;

/** Every {@link UploadListener} bean, told in order. */
public final class UploadListeners implements UploadListener {
  private final List<UploadListener> all;

  /**
   * @param all the listeners, in the order they are told; copied
   */
  public UploadListeners(List<UploadListener> all) {
    this.all = List.copyOf(all);
  }

  @Override
  public void onPresigned(String bucket, String method) {
    all.forEach(l -> l.onPresigned(bucket, method));
  }

  @Override
  public void onConfirmed(String bucket) {
    all.forEach(l -> l.onConfirmed(bucket));
  }

  @Override
  public void onRefused(String bucket, UploadRefusedException.Reason reason) {
    all.forEach(l -> l.onRefused(bucket, reason));
  }

  @Override
  public void onMismatch(String bucket, UploadMismatchException.Mismatch mismatch) {
    all.forEach(l -> l.onMismatch(bucket, mismatch));
  }
}
