package dev.modelforge.api.problem;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 7807 problem document ({@code application/problem+json}).
 *
 * @param type     stable URI from {@link ProblemTypes}
 * @param title    short human summary of the type
 * @param status   HTTP status code
 * @param detail   what went wrong with this request and how to fix it
 * @param instance request path the problem occurred on
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Problem(String type, String title, int status, String detail, String instance) {

    /** Media type of problem documents. */
    public static final String MEDIA_TYPE = "application/problem+json";
}
