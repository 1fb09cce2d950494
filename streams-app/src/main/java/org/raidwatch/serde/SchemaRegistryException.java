package org.raidwatch.serde;

/**
 * A schema registry call that failed: the registry answered with an error, or could not be reached.
 * Carries the HTTP status and the registry's {@code error_code} when there was an answer.
 */
public class SchemaRegistryException extends RuntimeException {

    /** Confluent's error code for an unknown subject. */
    public static final int SUBJECT_NOT_FOUND = 40401;
    /** Confluent's error code for a schema not registered (by id, or under a subject). */
    public static final int SCHEMA_NOT_FOUND = 40403;
    /** Confluent's error code (and HTTP status) for a schema refused as incompatible. */
    public static final int INCOMPATIBLE_SCHEMA = 409;

    private final int httpStatus;
    private final int errorCode;

    public SchemaRegistryException(String message, int httpStatus, int errorCode) {
        super(message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = -1;
        this.errorCode = -1;
    }

    /** The HTTP status of the registry's answer, or -1 when there was no answer. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The registry's {@code error_code}, or -1 when its answer had none or there was no answer. */
    public int errorCode() {
        return errorCode;
    }

    /** The registry knows no schema with the id asked for (Confluent's error_code 40403): the record's fault, not the registry's. */
    public boolean isUnknownSchema() {
        return errorCode == SCHEMA_NOT_FOUND;
    }

    /** The registry knows no such subject (error_code 40401). */
    public boolean isUnknownSubject() {
        return errorCode == SUBJECT_NOT_FOUND;
    }

    /**
     * A 409: Confluent's server means the schema is incompatible with the subject's versions; Apicurio
     * also answers it when a registration races another of the same new subject. Registering clients
     * settle which by looking the schema up; a conflict that survives that is an incompatibility.
     */
    public boolean isConflict() {
        return httpStatus == 409 || errorCode == INCOMPATIBLE_SCHEMA;
    }

    /** The registry refused the schema as incompatible (a 409 the registering client could not settle by a lookup). */
    public boolean isIncompatible() {
        return isConflict();
    }

    /**
     * Whether the registry itself is in trouble rather than the request: no answer (connection refused,
     * timeout), a 5xx, 408 or 429. Such a failure says nothing about the record being decoded, so it
     * must never send a good record to the dead letters; the caller retries.
     */
    public boolean isUnavailable() {
        return httpStatus == -1 || httpStatus / 100 == 5 || httpStatus == 408 || httpStatus == 429;
    }
}
