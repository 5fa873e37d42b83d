package io.limiter.examples;

import io.limiter.micronaut.Limited;
import jakarta.inject.Singleton;

// README:begin
@Singleton
public class TenantReports {
    @Limited(value = "per-tenant", key = "arg:tenant", timeout = "1s")   // a cap per tenant
    public String report(String tenant, String query) {
        return "report for " + tenant + " on " + query;
    }
}
// README:end
