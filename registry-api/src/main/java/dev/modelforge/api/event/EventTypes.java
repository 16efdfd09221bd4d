package dev.modelforge.api.event;

/** CloudEvents {@code type} values and the header names they travel in (Kafka binary mode). */
public final class EventTypes {
    /** A new model version was committed. */
    public static final String MODEL_VERSION_UPLOADED = "dev.modelforge.model-version.uploaded";
    /** A model version was archived. */
    public static final String MODEL_VERSION_ARCHIVED = "dev.modelforge.model-version.archived";

    /** CloudEvents {@code source} of registry events. */
    public static final String SOURCE_REGISTRY = "/modelforge/registry";

    /** Header: event id (unique; consumers dedupe on it). */
    public static final String HEADER_ID = "ce_id";
    /** Header: event type. */
    public static final String HEADER_TYPE = "ce_type";
    /** Header: event source. */
    public static final String HEADER_SOURCE = "ce_source";
    /** Header: CloudEvents spec version, always {@code 1.0}. */
    public static final String HEADER_SPECVERSION = "ce_specversion";
    /** Header: event time, RFC 3339. */
    public static final String HEADER_TIME = "ce_time";
    /** Header: subject, the aggregate the event is about, e.g. {@code model/42}. */
    public static final String HEADER_SUBJECT = "ce_subject";
    /** Header: payload media type. */
    public static final String HEADER_CONTENT_TYPE = "content-type";

    private EventTypes() {
    }
}
