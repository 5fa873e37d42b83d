package io.limiter.bench;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Zipf-distributed ranks {@code 0..n-1}: rank {@code k} (0-based) is drawn with probability proportional to
 * {@code 1 / (k + 1)^s}. Exact, by inversion of the precomputed cumulative distribution (8 bytes per rank, a binary
 * search per draw). Thread-safe (draws use {@link ThreadLocalRandom}).
 */
final class Zipf {
    private final double[] cdf;
    final int n;
    final double s;

    Zipf(int n, double s) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1, was " + n);
        }
        if (!(s > 0)) {
            throw new IllegalArgumentException("s must be above 0, was " + s);
        }
        this.n = n;
        this.s = s;
        cdf = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++) {
            sum += 1 / Math.pow(k + 1, s);
            cdf[k] = sum;
        }
        for (int k = 0; k < n; k++) {
            cdf[k] /= sum;
        }
        cdf[n - 1] = 1;
    }

    /** One rank. */
    int next() {
        int i = Arrays.binarySearch(cdf, ThreadLocalRandom.current().nextDouble());
        return i >= 0 ? i : Math.min(n - 1, -i - 1);
    }

    /** The probability of rank {@code k}. */
    double probability(int k) {
        return k == 0 ? cdf[0] : cdf[k] - cdf[k - 1];
    }
}
