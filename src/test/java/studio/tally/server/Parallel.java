package studio.tally.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/** Runs peers side by side (the common pool has one thread on a two-core machine). */
final class Parallel {
  private static final ExecutorService POOL = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().factory());

  private Parallel() {}

  static <T> CompletableFuture<T> run(Supplier<T> task) {
    return CompletableFuture.supplyAsync(task, POOL);
  }
}
