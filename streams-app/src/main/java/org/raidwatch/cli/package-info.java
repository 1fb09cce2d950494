/**
 * The {@code raidwatch} command line (picocli): one class per command, the options they share, exit statuses and console
 * output. The top layer: nothing else imports it; it wires the packages below it and does no processing of its own.
 */
package org.raidwatch.cli;
