package io.limiter.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.limiter.client.LimitedExecutor.OnFailure;
import io.limiter.client.TaskFailedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The map run over items against a scripted submit: order of results, CONTINUE, CANCEL_REST. No threads, no Redis. */
class MapRunTest {
    private final List<Integer> ran = new ArrayList<>();
    private final List<Callable<Integer>> deferred = new ArrayList<>();

    /** Runs each task at once, on the submitting thread. */
    private static CompletableFuture<Integer> now(Callable<Integer> task) {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        try {
            f.complete(task.call());
        } catch (Exception e) {
            f.completeExceptionally(e);
        }
        return f;
    }

    private Integer square(Integer i) {
        ran.add(i);
        if (i % 2 == 1) {
            throw new IllegalStateException("odd " + i);
        }
        return i * i;
    }

    private List<Integer> map(List<Integer> items, OnFailure onFailure,
            Function<Callable<Integer>, CompletableFuture<Integer>> submit) {
        return new MapRun<Integer, Integer>("l", items.size(), submit).run(items, this::square, onFailure);
    }

    @Test
    void resultsComeBackInItemOrder() {
        assertThat(map(List.of(4, 0, 2), OnFailure.CONTINUE, MapRunTest::now)).containsExactly(16, 0, 4);
    }

    @Test
    void continueRunsEveryItemAndThrowsTheFirstFailureWithTheOthersSuppressed() {
        assertThatThrownBy(() -> map(List.of(0, 1, 2, 3, 4), OnFailure.CONTINUE, MapRunTest::now))
                .isInstanceOfSatisfying(TaskFailedException.class, e -> {
                    assertThat(e.index()).isEqualTo(1);
                    assertThat(e.getCause()).hasMessage("odd 1");
                    assertThat(e.getSuppressed()).extracting(Throwable::getMessage).containsExactly("odd 3");
                });
        assertThat(ran).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void cancelRestSubmitsNothingAfterTheFirstFailure() {
        assertThatThrownBy(() -> map(List.of(0, 1, 2, 3), OnFailure.CANCEL_REST, MapRunTest::now))
                .isInstanceOfSatisfying(TaskFailedException.class, e -> assertThat(e.index()).isEqualTo(1));
        assertThat(ran).containsExactly(0, 1);
    }

    @Test
    void cancelRestCancelsTasksStillWaitingAndTheyDoNotStartIfTheyGetTheirPermitAnyway() {
        List<CompletableFuture<Integer>> waiting = new ArrayList<>();
        Function<Callable<Integer>, CompletableFuture<Integer>> submit = task -> {
            if (deferred.isEmpty()) { // the first item waits for its permit
                deferred.add(task);
                CompletableFuture<Integer> f = new CompletableFuture<>();
                waiting.add(f);
                return f;
            }
            return now(task);
        };
        assertThatThrownBy(() -> map(List.of(0, 1, 2), OnFailure.CANCEL_REST, submit))
                .isInstanceOfSatisfying(TaskFailedException.class, e -> assertThat(e.index()).isEqualTo(1));
        assertThat(waiting.get(0)).isCancelled();
        assertThatThrownBy(() -> deferred.get(0).call()).hasMessageContaining("cancelled after an earlier task");
        assertThat(ran).containsExactly(1);
    }

    @Test
    void aSubmitThatThrowsCancelsWhatWasSubmittedAndPropagates() {
        List<CompletableFuture<Integer>> submitted = new ArrayList<>();
        Function<Callable<Integer>, CompletableFuture<Integer>> submit = task -> {
            if (!submitted.isEmpty()) {
                throw new IllegalStateException("closed");
            }
            CompletableFuture<Integer> f = new CompletableFuture<>();
            submitted.add(f);
            return f;
        };
        assertThatThrownBy(() -> map(List.of(0, 2), OnFailure.CONTINUE, submit)).hasMessage("closed");
        assertThat(submitted.get(0)).isCancelled();
    }
}
