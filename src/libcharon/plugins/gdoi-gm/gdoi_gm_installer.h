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
 * Installer of the group SAs of one group.
 */
struct gdoi_gm_installer_t {

	/**
	 * Install a TEK, inbound and outbound.
	 *
	 * @param tek		TEK (referenced while installed)
	 * @return			TRUE if installed, FALSE (logged) if not; nothing of
	 *					this TEK remains installed then
	 */
	bool (*install)(gdoi_gm_installer_t *this, gdoi_tek_t *tek);

	/**
	 * Remove an installed TEK.
	 *
	 * @param spi		SPI of the TEK, network order
	 * @return			TRUE if it was installed
	 */
	bool (*uninstall)(gdoi_gm_installer_t *this, uint32_t spi);

	/**
	 * Enumerate the installed TEKs.
	 *
	 * @return			enumerator over gdoi_tek_t* (snapshot, referenced)
	 */
	enumerator_t *(*create_enumerator)(gdoi_gm_installer_t *this);

	/**
	 * Remove every installed TEK and destroy the installer.
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
 * @return				installer
 */
gdoi_gm_installer_t *gdoi_gm_installer_create(char *group, host_t *local,
											  linked_list_t *peers);

/**
 * Destroy a peer.
 *
 * @param peer			peer to destroy
 */
void gdoi_gm_peer_destroy(gdoi_gm_peer_t *peer);

#endif /** GDOI_GM_INSTALLER_H_ @}*/
