/**
 * Settings of a deployment and the checks before it starts: the configuration file and environment
 * ({@code RaidwatchConfig}, {@code EnvironmentSettings}), the HTTP endpoint, the trusted rule-signing keys, reaching Kafka and
 * the registry ({@code Deployment}), and creating topics ({@code TopicSetup}). Uses the runner's Streams properties, the
 * serdes' registry settings, the rules' signing keys and the topology's topic catalogue.
 */
package org.raidwatch.deployment;
