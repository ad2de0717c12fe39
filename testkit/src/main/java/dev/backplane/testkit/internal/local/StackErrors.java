package dev.backplane.testkit.internal.local;

import dev.backplane.testkit.StackException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Unwraps the wrappers that parallel start-up puts around the real failure. */
final class StackErrors {
  private StackErrors() {}

  static RuntimeException unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t instanceof RuntimeException r ? r : new StackException(t.toString(), t);
  }
}
