package io.limiter.bench;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * What one child process measured, sent to the parent as one {@code RESULT key=value ...} line on stdout.
 *
 * @param grantsPerSecond grants in each 1 s window after the start (by the time the grant came back), then one slot
 *                        for those after the end
 * @param busyNanos       time permits were held inside the window, summed over threads
 * @param holdNanos       time every task held its permit, summed (for the mean hold)
 * @param holds           tasks that ran
 * @param lastNanos       when the last call of the window came back, after the start
 * @param waits           acquire wait times (ns); empty for the rate workload
 */
record ChildResult(long[] grantsPerSecond, long busyNanos, long holdNanos, long holds, long lastNanos,
        Histogram waits) {
    static final String PREFIX = "RESULT ";

    static Histogram newHistogram() {
        return new Histogram(3_600_000_000_000L, 3);
    }

    long grants() {
        return Arrays.stream(grantsPerSecond).sum();
    }

    String toLine() {
        ByteBuffer b = ByteBuffer.allocate(waits.getNeededByteBufferCapacity());
        int n = waits.encodeIntoCompressedByteBuffer(b);
        return PREFIX + "grants=" + Arrays.stream(grantsPerSecond).mapToObj(Long::toString)
                .collect(Collectors.joining(",")) + " busy=" + busyNanos + " hold=" + holdNanos + " holds=" + holds
                + " last=" + lastNanos + " waits=" + Base64.getEncoder().encodeToString(Arrays.copyOf(b.array(), n));
    }

    static ChildResult parse(String line) {
        if (!line.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a result line: " + line);
        }
        Map<String, String> f = new HashMap<>();
        for (String kv : line.substring(PREFIX.length()).trim().split(" ")) {
            int eq = kv.indexOf('=');
            f.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        try {
            Histogram h = Histogram.decodeFromCompressedByteBuffer(
                    ByteBuffer.wrap(Base64.getDecoder().decode(f.get("waits"))), 0);
            return new ChildResult(Arrays.stream(f.get("grants").split(",")).mapToLong(Long::parseLong).toArray(),
                    Long.parseLong(f.get("busy")), Long.parseLong(f.get("hold")), Long.parseLong(f.get("holds")),
                    Long.parseLong(f.get("last")), h);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("result line with a damaged histogram: " + line, e);
        }
    }
}
