package io.limiter.server;

import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the admin server. {@code --demo} also starts simulated worker instances against a demo limit.
 */
@OpenAPIDefinition(info = @Info(title = "Distributed Limiter admin API", version = "0.1",
        description = "Manage cluster-wide limits and see who holds what."))
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "The admin token (limiter.admin-token / LIMITER_ADMIN_TOKEN); required for writes")
public final class Application {
    private Application() {
    }

    public static void main(String[] args) {
        List<String> rest = new ArrayList<>();
        boolean demo = false;
        for (String a : args) {
            if (a.equals("--demo")) {
                demo = true;
            } else {
                rest.add(a);
            }
        }
        Micronaut app = Micronaut.build(rest.toArray(new String[0])).mainClass(Application.class);
        if (demo) {
            app.properties(java.util.Map.of("limiter.demo.enabled", true));
        }
        app.start();
    }
}
