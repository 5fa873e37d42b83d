package io.limiter.core.part;

import io.limiter.core.LimitPolicy;
import io.limiter.core.PolicyField;
import java.util.List;
import java.util.Map;

/**
 * Options of the whole policy: {@code fair} (waiters of every instance served in arrival order) and {@code keyed} (a
 * family of keys, a cap per key).
 */
public final class QueueingPart extends PolicyPart {
    public static final QueueingPart INSTANCE = new QueueingPart();

    private static final List<PolicyField> FIELDS = List.of(
            new PolicyField("fair", "policy", PolicyField.Type.BOOLEAN, null, null, null, false, List.of(),
                    Values.BOOLEAN, "Serve waiters of every instance in arrival order (a ticket queue in Redis)."),
            new PolicyField("keyed", "policy", PolicyField.Type.BOOLEAN, null, null, null, false, List.of(),
                    Values.BOOLEAN, "A family of keys (tenants, users, API keys): each key has these caps of its own, "
                            + "created on first use, gone when idle."));

    private QueueingPart() {
        super("policy", "Queueing");
    }

    @Override
    public String luaSection() {
        return "part_fair";
    }

    @Override
    public List<PolicyField> fields() {
        return FIELDS;
    }

    @Override
    public boolean in(LimitPolicy policy) {
        return policy.fair() || policy.keyed();
    }

    @Override
    public void read(Values v, LimitPolicy.Builder b) {
        b.fair(v.bool("fair")).keyed(v.bool("keyed"));
    }

    @Override
    public void view(LimitPolicy p, Map<String, Object> out) {
        if (p.fair()) {
            out.put("fair", true);
        }
        if (p.keyed()) {
            out.put("keyed", true);
        }
    }

    @Override
    public void store(LimitPolicy p, List<String> out) {
        if (p.fair()) {
            out.addAll(List.of("fair", "1"));
        }
        if (p.keyed()) {
            out.addAll(List.of("keyed", "1"));
        }
    }

    @Override
    public void load(Map<String, String> stored, LimitPolicy.Builder b) {
        b.fair("1".equals(stored.get("fair"))).keyed("1".equals(stored.get("keyed")));
    }
}
