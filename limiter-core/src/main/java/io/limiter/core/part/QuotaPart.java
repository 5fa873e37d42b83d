package io.limiter.core.part;

import io.limiter.core.CalendarWindow;
import io.limiter.core.InvalidPolicyException;
import io.limiter.core.LimitPolicy;
import io.limiter.core.LimitPolicy.Rules;
import io.limiter.core.PolicyField;
import io.limiter.core.redis.LimitState;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A calendar quota: at most {@code quota} units per calendar {@code window} (minute, hour, day, week, month) of a
 * time zone, reset exactly at the window's boundary on Redis time. The boundaries come from the zone's rules
 * ({@link CalendarWindow#spanAt}); the script keeps the used count in a key that expires with the window.
 */
public final class QuotaPart extends PolicyPart {
    public static final QuotaPart INSTANCE = new QuotaPart();

    private static final List<PolicyField> FIELDS = List.of(
            PolicyField.integer("quota", "quota", "units", 1, Rules.MAX_QUOTA, Rules.QUOTA,
                    "Units (weight) allowed per calendar window."),
            new PolicyField("window", "quota", PolicyField.Type.ENUM, null, null, null,
                    LimitPolicy.DEFAULT_WINDOW.id(),
                    Arrays.stream(CalendarWindow.values()).map(CalendarWindow::id).toList(), Rules.WINDOW,
                    "The calendar window the quota resets after (weeks start on Monday)."),
            new PolicyField("zone", "quota", PolicyField.Type.ZONE, null, null, null,
                    LimitPolicy.DEFAULT_ZONE.getId(), List.of(), Rules.ZONE,
                    "The time zone whose calendar the windows follow (daylight saving included)."));

    private QuotaPart() {
        super("quota", "Calendar quota");
    }

    @Override
    public String luaSection() {
        return "part_quota";
    }

    @Override
    public List<PolicyField> fields() {
        return FIELDS;
    }

    @Override
    public boolean in(LimitPolicy policy) {
        return policy.hasQuota();
    }

    @Override
    public void read(Values v, LimitPolicy.Builder b) {
        Long quota = v.whole("quota");
        String window = v.text("window");
        if (quota != null) {
            b.quota(quota, window != null ? CalendarWindow.parse(window) : LimitPolicy.DEFAULT_WINDOW);
        } else if (window != null) {
            throw new InvalidPolicyException("window", window, Rules.WINDOW_NEEDS_QUOTA);
        }
        String zone = v.text("zone");
        if (zone != null) {
            b.zone(zone(zone));
        }
    }

    /**
     * The zone named {@code id}: a region ID ({@code Europe/Berlin}), {@code UTC}, or an offset ({@code +02:00}).
     *
     * @throws InvalidPolicyException (field {@code zone}) for anything else
     */
    public static ZoneId zone(String id) {
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            throw new InvalidPolicyException("zone", id, Rules.ZONE);
        }
    }

    @Override
    public void view(LimitPolicy p, Map<String, Object> out) {
        out.put("quota", p.quota());
        out.put("window", p.window().id());
        out.put("zone", p.zone().getId());
    }

    @Override
    public void store(LimitPolicy p, List<String> out) {
        out.addAll(List.of("quota", Long.toString(p.quota()), "window", p.window().id(), "zone", p.zone().getId()));
    }

    @Override
    public void load(Map<String, String> stored, LimitPolicy.Builder b) {
        if (stored.containsKey("quota")) {
            b.quota(Long.parseLong(stored.get("quota")), CalendarWindow.parse(stored.get("window")))
                    .zone(zone(stored.get("zone")));
        }
    }

    @Override
    public Optional<Gauge> gauge(LimitState s) {
        LimitPolicy p = s.policy();
        if (!p.hasQuota()) {
            return Optional.empty();
        }
        return Optional.of(new Gauge(name(), "quota", s.quotaUsed(), p.quota(), s.quotaResetAt()));
    }
}
