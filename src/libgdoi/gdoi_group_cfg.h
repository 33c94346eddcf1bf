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
 * @defgroup gdoi_group_cfg gdoi_group_cfg
 * @{ @ingroup libgdoi
 *
 * Configuration of one group, as loaded from swanctl.conf's groups section.
 *
 * The configuration is protocol-neutral: G-IKEv2 and, later, GDOI build
 * their policy payloads from it, and COOP compares it between key servers.
 * It is immutable once created and shared by reference.
 *
 * In swanctl.conf a group is either served (a server subsection, the key
 * server role) or joined (a member subsection, the group member role):
 *
 *   groups {
 *      <name> {
 *         id = 1234                  # group identity (IDg)
 *         server {                   # this node is the group's key server
 *            connection = members    # connections.<conn> members use
 *            members = *@example.org # authorized member identities
 *            traffic {               # protected traffic, in order
 *               <name> { src_ts = ..  dst_ts = ..  action = permit|deny }
 *            }
 *            esp_proposals = aes128gcm16
 *            tek_lifetime = 1h
 *            kek_lifetime = 24h
 *            kek_proposals = aes256-sha256
 *            rekey = unicast|multicast
 *            rekey_address = 239.192.0.1
 *            rekey_retransmit = 10s
 *            rekey_retransmits = 2
 *            tek_rekey_lead = 90s    # minimum head start of TEK rekeys
 *            kek_rekey_lead = 200s   # head start of KEK rekeys
 *            signing_key = <identity of a loaded private key>
 *            close_ike_sa = yes
 *         }
 *         member {                   # this node is a member of the group
 *            connection = to-ks      # connections.<conn> to register over
 *            key_servers = 192.0.2.1, 192.0.2.2
 *            peers {                 # the other members, for unicast TEKs
 *               <name> { address = 192.0.2.12  remote_ts = 10.2.0.0/16 }
 *            }
 *         }
 *      }
 *   }
 *
 * Exactly one of server and member is given.  Mandatory are id, and the
 * connection of either role; a server needs esp_proposals and at least one
 * permit entry in traffic (src_ts and dst_ts, one traffic selector each,
 * action defaults to permit), a member at least one key server address.
 *
 * The group identity is parsed with identification_create_from_string(),
 * except that a plain decimal number from 0 to 4294967295 (GET VPN's
 * "identity number") becomes an ID_KEY_ID holding the number as four octets
 * in network order: id = 1234 is keyid:000004d2.
 *
 * Defaults, after GET VPN where it has them: tek_lifetime 1h, kek_lifetime
 * 24h (a kek_lifetime below twice the tek_lifetime is logged, not refused;
 * lifetimes below 300s are refused unless the key server's option
 * charon.plugins.gdoi-ks.test_lifetimes allows down to 10s for tests),
 * kek_proposals aes256-sha256 (proposals parsed as for IKE, without key
 * exchange methods), rekey multicast if rekey_address is given and unicast
 * otherwise (rekey = multicast requires a multicast rekey_address),
 * rekey_retransmit 10s, rekey_retransmits 2, tek_rekey_lead 90s,
 * kek_rekey_lead 200s, close_ike_sa yes.  members
 * may be empty: any peer that authenticates over the connection is
 * authorized.  Traffic selectors take swanctl's local_ts syntax
 * (10.0.0.0/8, 10.1.0.0-10.1.0.9, 10.0.0.0/8[udp/848]), without "dynamic".
 */

#ifndef GDOI_GROUP_CFG_H_
#define GDOI_GROUP_CFG_H_

#include <library.h>
#include <collections/linked_list.h>
#include <crypto/proposal/proposal.h>
#include <networking/host.h>
#include <selectors/traffic_selector.h>
#include <utils/identification.h>

struct vici_message_t;

typedef struct gdoi_group_cfg_t gdoi_group_cfg_t;
typedef struct gdoi_traffic_cfg_t gdoi_traffic_cfg_t;
typedef struct gdoi_peer_cfg_t gdoi_peer_cfg_t;
typedef enum gdoi_role_t gdoi_role_t;
typedef enum gdoi_rekey_transport_t gdoi_rekey_transport_t;

/**
 * Role of this node in a group.
 */
enum gdoi_role_t {
	/** key server (GCKS) of the group, "server" subsection */
	GDOI_ROLE_SERVER,
	/** member of the group, "member" subsection */
	GDOI_ROLE_MEMBER,
};

/**
 * enum names for gdoi_role_t ("server", "member").
 */
extern enum_name_t *gdoi_role_names;

/**
 * How a key server sends rekeys.
 */
enum gdoi_rekey_transport_t {
	/** one copy per registered member, to its registration address */
	GDOI_REKEY_UNICAST,
	/** one copy to the group's multicast address */
	GDOI_REKEY_MULTICAST,
};

/**
 * enum names for gdoi_rekey_transport_t ("unicast", "multicast").
 */
extern enum_name_t *gdoi_rekey_transport_names;

/**
 * One entry of a group's protected traffic; each permit entry becomes a
 * TEK policy.
 */
struct gdoi_traffic_cfg_t {

	/** name of the entry (the subsection name) */
	char *name;

	/** source traffic selector */
	traffic_selector_t *src;

	/** destination traffic selector */
	traffic_selector_t *dst;

	/** TRUE to protect the traffic, FALSE to exclude it (deny) */
	bool permit;
};

/**
 * Another member of the group, as a member knows it: unicast TEKs are
 * installed as one copy of the group SA per peer (Linux cannot preserve the
 * inner addresses in the outer header).
 */
struct gdoi_peer_cfg_t {

	/** name of the peer (the subsection name) */
	char *name;

	/** address the peer is reached at */
	host_t *address;

	/** traffic behind the peer */
	traffic_selector_t *ts;
};

/**
 * Configuration of a group. The fields are read-only once created; fields
 * of the other role are NULL, 0 or empty.
 */
struct gdoi_group_cfg_t {

	/** name of the group (the section name) */
	char *name;

	/** group identity (IDg) */
	identification_t *id;

	/** role of this node */
	gdoi_role_t role;

	/** name of the connection (connections.<conn>) used for registration */
	char *connection;

	/* key server role */

	/** authorized member identities, identification_t* (may be wildcards) */
	linked_list_t *members;

	/** protected traffic in order, gdoi_traffic_cfg_t* */
	linked_list_t *traffic;

	/** ESP proposals for the TEKs, proposal_t* */
	linked_list_t *esp_proposals;

	/** proposals for the KEK (rekey SA), proposal_t* (PROTO_IKE) */
	linked_list_t *kek_proposals;

	/** TEK lifetime in seconds */
	uint32_t tek_lifetime;

	/** KEK lifetime in seconds */
	uint32_t kek_lifetime;

	/** rekey transport */
	gdoi_rekey_transport_t rekey;

	/** multicast destination of rekeys, NULL for unicast */
	host_t *rekey_address;

	/** interval between retransmissions of a rekey, in seconds */
	uint32_t rekey_retransmit;

	/** number of retransmissions of a rekey */
	uint32_t rekey_retransmits;

	/** minimum head start of a TEK rekey before expiry, in seconds */
	uint32_t tek_rekey_lead;

	/** head start of a KEK rekey before expiry, in seconds */
	uint32_t kek_rekey_lead;

	/** identity of the private key that signs rekeys, NULL if none */
	identification_t *signing_key;

	/** whether the key server closes a member's IKE SA after registration */
	bool close_ike_sa;

	/* group member role */

	/** key servers in the configured order, host_t* */
	linked_list_t *key_servers;

	/** the other members, for unicast TEKs, gdoi_peer_cfg_t* */
	linked_list_t *peers;

	/**
	 * Get a reference to this configuration.
	 *
	 * @return			this, with one more reference
	 */
	gdoi_group_cfg_t *(*get_ref)(gdoi_group_cfg_t *this);

	/**
	 * Compare the group policy of two configurations: everything that a
	 * member receives or that changes keys (identity, role, traffic,
	 * proposals, lifetimes, rekey transport, signing key), not the names
	 * of the connection or of the key servers.
	 *
	 * @param other		configuration to compare to
	 * @return			TRUE if the policy is the same
	 */
	bool (*equals)(gdoi_group_cfg_t *this, gdoi_group_cfg_t *other);

	/**
	 * Release a reference, destroy the configuration with the last one.
	 */
	void (*destroy)(gdoi_group_cfg_t *this);
};

/**
 * Parse a vici load-group request into a group configuration, strictly.
 *
 * The request holds exactly one section, named after the group, with the
 * keys of swanctl.conf's groups.<name> (see above).  Unknown keys or
 * sections, invalid values, missing mandatory keys and conflicting keys
 * are refused with a message that names the group, the key and where it
 * is, e.g. "group 'getvpn': unknown option 'tek_lifetim' in server".
 *
 * @param message	vici_message_t of the load-group request
 * @param error		on failure, set to an allocated error message
 * @return			configuration (one reference), NULL on failure
 */
gdoi_group_cfg_t *gdoi_group_cfg_parse(struct vici_message_t *message,
									   char **error);

/**
 * Print a group identity as an operator wrote it: a 4-octet key id (GET
 * VPN's "identity number") as a decimal number, anything else as %Y.
 *
 * @param id			group identity
 * @param buf			buffer to print to
 * @param len			size of buf
 * @return				buf
 */
char *gdoi_group_id_str(identification_t *id, char *buf, size_t len);

#endif /** GDOI_GROUP_CFG_H_ @}*/
