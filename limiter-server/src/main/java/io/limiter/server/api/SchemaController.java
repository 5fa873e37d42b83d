package io.limiter.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.limiter.core.PolicyField;
import io.limiter.core.PolicySchema;
import io.limiter.core.part.PolicyPart;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Locale;

/**
 * {@code GET /api/schema}: the fields a policy has, from the one {@link PolicySchema}, so the dashboard's form (and
 * any other client) is built from what the server accepts and can never drift from it.
 */
@Controller("/api/schema")
@Tag(name = "schema")
public class SchemaController {
    private static final SchemaView SCHEMA = new SchemaView(
            PolicySchema.FIELDS.stream().map(FieldView::of).toList(),
            PolicySchema.PARTS.stream().map(PartView::of).toList());

    @Get
    @Operation(summary = "The policy's fields: name, part, type, unit, range, default, allowed values, rule",
            description = "Types: integer, duration (500ms, 30s, 2m, 1h, 1d or ISO-8601), boolean, enum, zone (a "
                    + "time zone ID). A PUT body is any combination of the fields of one or more parts.")
    @ApiResponse(responseCode = "200", description = "The schema")
    public SchemaView schema() {
        return SCHEMA;
    }

    /** The schema: every field, and the parts they belong to. */
    @Serdeable
    public record SchemaView(List<FieldView> fields, List<PartView> parts) {
    }

    /** One part of a policy. */
    @Serdeable
    public record PartView(String name, String label) {
        static PartView of(PolicyPart p) {
            return new PartView(p.name(), p.label());
        }
    }

    /** One field (see {@link PolicyField}). */
    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record FieldView(String name, String part, String type, @Nullable String unit, @Nullable Object minimum,
            @Nullable Object maximum, @JsonProperty("default") @Nullable Object defaultValue, @Nullable List<String> values, String rule,
            String description) {
        static FieldView of(PolicyField f) {
            return new FieldView(f.name(), f.part(), f.type().name().toLowerCase(Locale.ROOT), f.unit(), f.minimum(),
                    f.maximum(), f.defaultValue(), f.values(), f.rule(), f.description());
        }
    }
}
