/** The {@code vdsm-client} command-line tool. */
package org.ovirt.vdsm.messaging.client.cli;
