package io.limiter.micronaut.internal;

import io.limiter.client.DistributedLimiter;
import io.limiter.client.LimiterClient;
import io.limiter.core.LimitNames;
import io.limiter.core.LimitPolicy;
import io.limiter.core.LimiterValidationException;
import io.limiter.micronaut.Limited;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.AnnotationMetadata;
import io.micronaut.core.annotation.AnnotationValue;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.context.ServerRequestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The {@link Limited} annotations of one method, checked and in acquire order (by limit name). */
final class MethodLimits {
    /**
     * One annotation.
     *
     * @param limit the limit's name
     * @param weight permits per call
     * @param timeout how long to wait; zero tries once
     * @param key where a keyed limit's key comes from; empty for a plain limit
     * @param method {@code Type.method}, for messages
     */
    record MethodLimit(String limit, int weight, Duration timeout, Optional<KeyRule> key, String method) {
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
            Optional<KeyRule> rule = key.isEmpty() ? Optional.empty() : Optional.of(checkKey(at, key, args));
            limits.add(new MethodLimit(name, weight, timeout, rule, beanType + "." + method));
        }
        limits.sort(Comparator.comparing(MethodLimit::limit));
        return List.copyOf(limits);
    }

    private static KeyRule checkKey(String at, String key, Argument<?>[] args) {
        if (KeyRule.unknownParameter(key, args)) {
            throw new ConfigurationException(at + Messages.invalid("key", key,
                    Messages.unknownParameter(KeyRule.parameterNames(args))));
        }
        return KeyRule.forMethod(key, args).orElseThrow(() ->
                new ConfigurationException(at + Messages.invalid("key", key, Messages.METHOD_KEY_RULE)));
    }

    /**
     * The acquires for one call: a keyed limit's permit comes from the key read from {@code args} or the current
     * HTTP request.
     *
     * @throws LimiterValidationException (field {@code key}) when the key has no value or is not a valid key
     */
    static List<HeldPermits.Acquire> acquires(LimiterClient client, List<MethodLimit> limits, Object[] args) {
        List<HeldPermits.Acquire> list = new ArrayList<>(limits.size());
        for (MethodLimit m : limits) {
            DistributedLimiter limiter = client.limiter(m.limit());
            if (m.key().isPresent()) {
                limiter = limiter.forKey(keyOf(m, m.key().get(), args));
            }
            list.add(new HeldPermits.Acquire(limiter, m.weight(), m.timeout(), false));
        }
        return list;
    }

    private static String keyOf(MethodLimit m, KeyRule rule, Object[] args) {
        if (rule.kind() == KeyRule.Kind.ARG) {
            Object value = args[rule.argIndex()];
            if (value == null) {
                throw new LimiterValidationException("key", null,
                        Messages.keyWithoutValue(rule.text(), m.method(), rule.absence()));
            }
            return value.toString();
        }
        Optional<HttpRequest<Object>> request = ServerRequestContext.currentRequest();
        if (request.isEmpty()) {
            throw new LimiterValidationException("key", null,
                    Messages.keyWithoutValue(rule.text(), m.method(), Messages.NO_REQUEST));
        }
        return rule.read(request.get(), r -> null).orElseThrow(() -> new LimiterValidationException("key", null,
                Messages.keyWithoutValue(rule.text(), m.method(), rule.absence())));
    }
}
