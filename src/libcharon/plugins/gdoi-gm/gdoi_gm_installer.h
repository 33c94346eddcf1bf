/*
 * Copyright (C) 2026 The gdoi-strongswan authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.  See <http://www.fsf.org/copyleft/gpl.txt>.
 *
 * This program is distributed in the hope that it will be useful, but
 * WITHOUT ANY WARRANTY; without even the implied warranty of MERCHANTABILITY
 * or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU General Public License
 * for more details.
 */

/**
 * @defgroup gdoi_gm_installer gdoi_gm_installer
 * @{ @ingroup gdoi_gm
 *
 * Installs a group's TEKs as group SAs through charon's kernel interface
 * (charon->kernel, kernel-netlink in production, kernel-libipsec in the
 * tests), not as CHILD_SAs: one SPI and one key set shared by every member.
 *
 * What Linux can express (XFRM and libipsec look inbound SAs up by
 * destination address and SPI, outbound by policy; neither can preserve the
 * inner addresses in the outer header, which GET VPN's any-to-any tunnel
 * mode needs):
 *
 *  - multicast TEKs, whose destination selector is one multicast address:
 *    an inbound and an outbound SA to the group address with the shared SPI,
 *    in/fwd/out policies for the TEK's selectors, and a join of the group on
 *    the member's address so that the packets arrive;
 *  - unicast TEKs, as per-peer copies of the group SA in tunnel mode: one
 *    inbound SA on the member's own address, and one outbound SA per
 *    configured peer (the other members, each with the address it is reached
 *    at and the traffic behind it), with the same SPI and keys; traffic of
 *    the TEK to a destination without a peer is dropped by a low-priority
 *    drop policy, never sent in the clear.
 *
 * Policies are installed before SAs, so that nothing leaves unprotected
 * while an SA is missing; a failed install removes what it added.
 *
 * TEK rollover: the TEKs for the same traffic (equal selectors) share one
 * set of policies and the same reqid(s).  A TEK that joins such traffic
 * gets its inbound SA at once; the outbound SAs belong to one TEK at a
 * time, the one with the least remaining lifetime above the switch margin
 * (the newest if none is above it).  When the sending TEK has the margin
 * left, the next one's outbound SAs are added and the old ones removed
 * (XFRM sends with the newest SA of a reqid, libipsec with the first: the
 * order works for both); the old inbound SA stays until the old TEK
 * expires.  Timers (tick()):
 *
 *  switch-over   sending TEK created + gdoi_tek_switch_time(lifetime,
 *                margin): outbound moves to the next TEK
 *  expiry        TEK created + lifetime: its SAs are removed, its policies
 *                stay (traffic is dropped, never sent in the clear, until
 *                new keys arrive)
 *  retirement    a TEK named in a Delete or left out by a registration
 *                stops sending at once and is removed after a delay; the
 *                policies go with the last TEK of the traffic
 *
 * The installer schedules a job for the next timer itself; tick() runs
 * what is due at a given time, for the jobs and for tests.
 */

#ifndef GDOI_GM_INSTALLER_H_
#define GDOI_GM_INSTALLER_H_

#include <library.h>
#include <networking/host.h>
#include <collections/linked_list.h>
#include <selectors/traffic_selector.h>
#include <gdoi_tek.h>

typedef struct gdoi_gm_installer_t gdoi_gm_installer_t;
typedef struct gdoi_gm_peer_t gdoi_gm_peer_t;
typedef struct gdoi_gm_rollover_t gdoi_gm_rollover_t;

/**
 * Another member of the group, for unicast TEKs.
 */
struct gdoi_gm_peer_t {

	/** address the member is reached at (outer destination) */
	host_t *address;

	/** traffic behind the member (inner destination) */
	traffic_selector_t *ts;
};

/**
 * Rollover state of the TEKs for one traffic, for listings.
 */
struct gdoi_gm_rollover_t {

	/** source selector of the traffic */
	traffic_selector_t *src;

	/** destination selector of the traffic */
	traffic_selector_t *dst;

	/** SPI of the TEK sending (network order), 0 if none */
	uint32_t current;

	/** SPI of the TEK it switches to (network order), 0 if none */
	uint32_t next;

	/** seconds until the switch-over, 0 if none is planned */
	uint32_t switch_in;
};

/**
 * Installer of the group SAs of one group.
 */
struct gdoi_gm_installer_t {

	/**
	 * Install a TEK: its inbound SA at once, with the policies if it is the
	 * first TEK for its traffic; its outbound SAs if it is the TEK to send
	 * with (see above), which may switch the outbound SAs over from another
	 * TEK at once.
	 *
	 * @param tek		TEK (referenced while installed)
	 * @return			TRUE if installed, FALSE (logged) if not; nothing of
	 *					this TEK remains installed then
	 */
	bool (*install)(gdoi_gm_installer_t *this, gdoi_tek_t *tek);

	/**
	 * Remove an installed TEK now; if it was sending, another TEK for the
	 * same traffic takes over first. The policies go with the last TEK of
	 * the traffic.
	 *
	 * @param spi		SPI of the TEK, network order
	 * @return			TRUE if it was installed
	 */
	bool (*uninstall)(gdoi_gm_installer_t *this, uint32_t spi);

	/**
	 * Retire an installed TEK: it stops sending at once if another TEK for
	 * the same traffic can take over, and is removed as uninstall() does
	 * after a delay.
	 *
	 * @param spi		SPI of the TEK, network order
	 * @param delay		seconds until it is removed, 0 for now
	 * @return			TRUE if it was installed
	 */
	bool (*retire)(gdoi_gm_installer_t *this, uint32_t spi, uint32_t delay);

	/**
	 * Run the switch-overs, expiries and retirements due at a time.
	 *
	 * @param now		monotonic time
	 * @return			monotonic time of the next one, 0 if none
	 */
	time_t (*tick)(gdoi_gm_installer_t *this, time_t now);

	/**
	 * Enumerate the installed TEKs.
	 *
	 * @return			enumerator over gdoi_tek_t* (snapshot, referenced)
	 */
	enumerator_t *(*create_enumerator)(gdoi_gm_installer_t *this);

	/**
	 * Enumerate the rollover state of each traffic.
	 *
	 * @param now		monotonic time
	 * @return			enumerator over gdoi_gm_rollover_t* (snapshot)
	 */
	enumerator_t *(*create_rollover_enumerator)(gdoi_gm_installer_t *this,
												time_t now);

	/**
	 * Remove every installed TEK and destroy the installer; a timer job
	 * that is still scheduled does nothing then.
	 */
	void (*destroy)(gdoi_gm_installer_t *this);
};

/**
 * Create an installer.
 *
 * @param group			group name, for log lines
 * @param local			the member's own address (cloned)
 * @param peers			the other members, gdoi_gm_peer_t* (cloned, may be
 *						NULL); needed for unicast TEKs
 * @param margin		switch-over margin, seconds before the sending TEK
 *						expires (charon.plugins.gdoi-gm.tek_switch)
 * @return				installer
 */
gdoi_gm_installer_t *gdoi_gm_installer_create(char *group, host_t *local,
											  linked_list_t *peers,
											  uint32_t margin);

/**
 * Destroy a peer.
 *
 * @param peer			peer to destroy
 */
void gdoi_gm_peer_destroy(gdoi_gm_peer_t *peer);

#endif /** GDOI_GM_INSTALLER_H_ @}*/
