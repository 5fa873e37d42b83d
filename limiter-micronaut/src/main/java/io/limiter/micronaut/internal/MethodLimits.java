package io.limiter.micronaut.internal;

import io.limiter.client.LimiterClient;
import io.limiter.core.LimitNames;
import io.limiter.core.LimitPolicy;
import io.limiter.core.LimiterValidationException;
import io.limiter.micronaut.Limited;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.AnnotationMetadata;
import io.micronaut.core.annotation.AnnotationValue;
import io.micronaut.core.type.Argument;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** The {@link Limited} annotations of one method, checked and in acquire order (by limit name). */
final class MethodLimits {
    private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

    /**
     * One annotation.
     *
     * @param limit the limit's name
     * @param weight permits per call
     * @param timeout how long to wait; zero tries once
     */
    record MethodLimit(String limit, int weight, Duration timeout) {
    }

    private MethodLimits() {
    }

    /**
     * Reads and checks the annotations.
     *
     * @throws ConfigurationException naming the method, the member and the rule
     */
    static List<MethodLimit> of(String beanType, String method, AnnotationMetadata metadata, Argument<?>[] args) {
        List<MethodLimit> limits = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (AnnotationValue<Limited> a : metadata.getAnnotationValuesByType(Limited.class)) {
            String name = a.stringValue().orElse("");
            String at = Messages.onMethod(beanType, method, name);
            try {
                LimitNames.requireValidName(name);
            } catch (LimiterValidationException e) {
                throw new ConfigurationException(at + Messages.renamed("value", e));
            }
            if (!seen.add(name)) {
                throw new ConfigurationException(at + Messages.invalid("value", name, Messages.DUPLICATE_LIMIT));
            }
            int weight = a.intValue("weight").orElse(1);
            if (weight < 1 || weight > LimitPolicy.Rules.MAX_PERMITS) {
                throw new ConfigurationException(at + Messages.invalid("weight", weight, Messages.WEIGHT_RULE));
            }
            Duration timeout;
            try {
                timeout = Settings.duration("timeout", a.stringValue("timeout").orElse("0"), Duration.ZERO, true);
            } catch (ConfigurationException e) {
                throw new ConfigurationException(at + e.getMessage());
            }
            String key = a.stringValue("key").orElse("");
            if (!key.isEmpty()) {
                checkKey(at, key, args);
            }
            limits.add(new MethodLimit(name, weight, timeout));
        }
        limits.sort(Comparator.comparing(MethodLimit::limit));
        return List.copyOf(limits);
    }

    private static void checkKey(String at, String key, Argument<?>[] args) {
        boolean valid;
        if (key.equals("principal")) {
            valid = true;
        } else if (key.startsWith("header:")) {
            valid = HEADER.matcher(key.substring("header:".length())).matches();
        } else if (key.startsWith("arg:")) {
            String param = key.substring("arg:".length());
            valid = false;
            for (Argument<?> arg : args) {
                valid |= arg.getName().equals(param);
            }
        } else {
            valid = false;
        }
        if (!valid) {
            throw new ConfigurationException(at + Messages.invalid("key", key, Messages.METHOD_KEY_RULE));
        }
        throw new ConfigurationException(at + "key: " + Messages.KEYED_NOT_AVAILABLE);
    }

    /** The acquires for one call. */
    static List<HeldPermits.Acquire> acquires(LimiterClient client, List<MethodLimit> limits) {
        List<HeldPermits.Acquire> list = new ArrayList<>(limits.size());
        for (MethodLimit m : limits) {
            list.add(new HeldPermits.Acquire(client.limiter(m.limit()), m.weight(), m.timeout(), false));
        }
        return list;
    }
}
