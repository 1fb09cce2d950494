/**
 * The input contract: the 44 forces and their names, what a valid raid report or FOI update is, the London calendar,
 * and how text from outside is written into logs. The bottom layer with the serdes: it uses nothing of raidwatch but the schemas.
 */
package org.raidwatch.contract;
