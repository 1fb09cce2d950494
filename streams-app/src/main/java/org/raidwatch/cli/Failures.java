package org.raidwatch.cli;

import java.io.PrintWriter;
import org.raidwatch.deployment.RaidwatchConfig;
import org.raidwatch.deployment.TopicSetup;
import org.raidwatch.http.ApiServer;
import org.raidwatch.rules.RuleSetException;
import org.raidwatch.serde.RegistrySettings;
import org.raidwatch.serde.SchemaRegistryException;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

/** Turns an error a user can cause into one clear message and its exit status; never a bare stack trace. */
final class Failures implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception error, CommandLine commandLine, ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        if (error instanceof RuleSetException rules) {
            err.println("raidwatch: the rule set does not build:");
            rules.problems().forEach(problem -> err.println("  " + problem));
            return ExitCodes.USAGE;
        }
        if (error instanceof RaidwatchConfig.InvalidConfigException invalid) {
            err.println("raidwatch: " + invalid.getMessage());
            return ExitCodes.USAGE;
        }
        if (error instanceof RegistrySettings.InvalidRegistrySettingException invalid) {
            err.println("raidwatch: " + invalid.getMessage());
            return ExitCodes.USAGE;
        }
        if (error instanceof ApiServer.CannotListenException listen) {
            err.println("raidwatch: " + listen.getMessage());
            return ExitCodes.USAGE;
        }
        if (error instanceof UsageFailure usage) {
            err.println("raidwatch: " + usage.getMessage());
            return ExitCodes.USAGE;
        }
        if (error instanceof org.apache.kafka.common.config.ConfigException invalid) {
            err.println("raidwatch: a Kafka setting is not valid: " + invalid.getMessage());
            return ExitCodes.USAGE;
        }
        if (refusedCredentials(error)) {
            err.println("raidwatch: " + error.getMessage());
            return ExitCodes.CREDENTIALS_REFUSED;
        }
        if (error instanceof TopicSetup.BrokerUnreachableException || error instanceof SchemaRegistryException) {
            err.println("raidwatch: " + error.getMessage());
            return ExitCodes.UNREACHABLE;
        }
        err.println("raidwatch: " + error);
        for (Throwable cause = error.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            err.println("  caused by: " + cause);
        }
        return ExitCodes.FAILED;
    }

    /**
     * Whether an error, or any of its causes, is the schema registry or Kafka refusing raidwatch's
     * credentials: {@link ExitCodes#CREDENTIALS_REFUSED}, not a failure a restart could mend.
     */
    static boolean refusedCredentials(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SchemaRegistryException registry && (registry.httpStatus() == 401 || registry.httpStatus() == 403)) {
                return true;
            }
            if (cause instanceof org.apache.kafka.common.errors.AuthenticationException
                    || cause instanceof org.apache.kafka.common.errors.AuthorizationException) {
                return true;
            }
        }
        return false;
    }

    /** A problem with what the user asked for: a file, a setting, an option's value. */
    static final class UsageFailure extends RuntimeException {
        UsageFailure(String message) {
            super(message);
        }
    }
}
