/**
 * Rule sets delivered to a running instance: following the signed rules topic ({@code RuleSetSubscription}) and
 * watching a rules folder ({@code RuleFolderWatcher}); each set is built and checked off the stream threads before it is put
 * in force. Uses the rules and the deployment's topic setup.
 */
package org.raidwatch.ruledelivery;
