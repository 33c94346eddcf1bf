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

#include "gdoi_gm_installer.h"

#include <errno.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <daemon.h>
#include <collections/array.h>
#include <threading/mutex.h>

typedef struct private_gdoi_gm_installer_t private_gdoi_gm_installer_t;
typedef struct entry_t entry_t;
typedef struct item_t item_t;

/**
 * Private data of a gdoi_gm_installer_t object.
 */
struct private_gdoi_gm_installer_t {

	/**
	 * Public interface.
	 */
	gdoi_gm_installer_t public;

	/**
	 * Group name, for log lines
	 */
	char *group;

	/**
	 * The member's own address
	 */
	host_t *local;

	/**
	 * The other members, gdoi_gm_peer_t*
	 */
	array_t *peers;

	/**
	 * Installed TEKs, entry_t*
	 */
	array_t *entries;

	/**
	 * Lock for entries
	 */
	mutex_t *lock;
};

/**
 * An installed TEK
 */
struct entry_t {

	/** the TEK */
	gdoi_tek_t *tek;

	/** reqid of its policies and SAs */
	uint32_t reqid;

	/** what was installed for it, in order, item_t* */
	array_t *items;

	/** socket holding the membership of the multicast group, or -1 */
	int fd;
};

/**
 * A policy or an SA installed in the kernel
 */
struct item_t {

	/** TRUE for an SA, FALSE for a policy */
	bool sa;

	/** SA: source and destination; policy: tunnel endpoints */
	host_t *src;
	host_t *dst;

	/** policy direction */
	policy_dir_t dir;

	/** policy selectors */
	traffic_selector_t *src_ts;
	traffic_selector_t *dst_ts;

	/** policy type and priority */
	policy_type_t type;
	policy_priority_t prio;

	/** reqid of the policy or SA */
	uint32_t reqid;

	/** whether the item holds its own reference to reqid */
	bool own_reqid;
};

/**
 * Destroy an item
 */
static void item_destroy(item_t *item)
{
	item->src->destroy(item->src);
	item->dst->destroy(item->dst);
	DESTROY_IF(item->src_ts);
	DESTROY_IF(item->dst_ts);
	free(item);
}

/*
 * Described in header
 */
void gdoi_gm_peer_destroy(gdoi_gm_peer_t *peer)
{
	peer->address->destroy(peer->address);
	peer->ts->destroy(peer->ts);
	free(peer);
}

/**
 * The SA configuration policies of a TEK refer to
 */
static ipsec_sa_cfg_t sa_cfg(entry_t *entry, policy_type_t type,
							 uint32_t reqid)
{
	if (type != POLICY_IPSEC)
	{
		return (ipsec_sa_cfg_t){ .mode = MODE_TRANSPORT };
	}
	return (ipsec_sa_cfg_t){
		.mode = MODE_TUNNEL,
		.reqid = reqid,
		.esp = {
			.use = TRUE,
			.spi = entry->tek->spi,
		},
	};
}

/**
 * Remove an item from the kernel
 */
static void remove_item(private_gdoi_gm_installer_t *this, entry_t *entry,
						item_t *item)
{
	status_t status;

	if (item->sa)
	{
		kernel_ipsec_sa_id_t id = {
			.src = item->src,
			.dst = item->dst,
			.spi = entry->tek->spi,
			.proto = IPPROTO_ESP,
		};
		kernel_ipsec_del_sa_t data = {};

		status = charon->kernel->del_sa(charon->kernel, &id, &data);
	}
	else
	{
		ipsec_sa_cfg_t sa = sa_cfg(entry, item->type, item->reqid);
		kernel_ipsec_policy_id_t id = {
			.dir = item->dir,
			.src_ts = item->src_ts,
			.dst_ts = item->dst_ts,
		};
		kernel_ipsec_manage_policy_t policy = {
			.type = item->type,
			.prio = item->prio,
			.src = item->src,
			.dst = item->dst,
			.sa = &sa,
		};

		status = charon->kernel->del_policy(charon->kernel, &id, &policy);
	}
	if (status != SUCCESS)
	{
		DBG1(DBG_KNL, "group '%s': removing %s of TEK %.8x failed",
			 this->group, item->sa ? "SA" : "policy", ntohl(entry->tek->spi));
	}
	if (item->own_reqid)
	{
		charon->kernel->release_reqid(charon->kernel, item->reqid);
	}
}

/**
 * Add a policy and record it
 */
static bool add_policy(private_gdoi_gm_installer_t *this, entry_t *entry,
					   policy_dir_t dir, traffic_selector_t *src_ts,
					   traffic_selector_t *dst_ts, host_t *src, host_t *dst,
					   policy_type_t type, policy_priority_t prio,
					   uint32_t reqid)
{
	ipsec_sa_cfg_t sa = sa_cfg(entry, type, reqid);
	kernel_ipsec_policy_id_t id = {
		.dir = dir,
		.src_ts = src_ts,
		.dst_ts = dst_ts,
	};
	kernel_ipsec_manage_policy_t policy = {
		.type = type,
		.prio = prio,
		.src = src,
		.dst = dst,
		.sa = &sa,
	};
	item_t *item;

	if (charon->kernel->add_policy(charon->kernel, &id, &policy) != SUCCESS)
	{
		DBG1(DBG_KNL, "group '%s': unable to install %s %N policy %R === %R "
			 "of TEK %.8x", this->group, type == POLICY_DROP ? "drop" : "IPsec",
			 policy_dir_names, dir, src_ts, dst_ts, ntohl(entry->tek->spi));
		return FALSE;
	}
	INIT(item,
		.src = src->clone(src),
		.dst = dst->clone(dst),
		.dir = dir,
		.src_ts = src_ts->clone(src_ts),
		.dst_ts = dst_ts->clone(dst_ts),
		.type = type,
		.prio = prio,
		.reqid = reqid,
	);
	array_insert(entry->items, ARRAY_TAIL, item);
	return TRUE;
}

/**
 * Add an SA of the TEK and record it
 */
static bool add_sa(private_gdoi_gm_installer_t *this, entry_t *entry,
				   host_t *src, host_t *dst, traffic_selector_t *dst_ts,
				   bool inbound, uint32_t reqid)
{
	gdoi_tek_t *tek = entry->tek;
	linked_list_t *src_ts, *dst_ts_list;
	lifetime_cfg_t lifetime = {
		.time = {
			.life = tek->get_remaining(tek, time_monotonic(NULL)),
		},
	};
	chunk_t encr, integ;
	item_t *item;
	status_t status;

	tek->get_keys(tek, &encr, &integ);
	src_ts = linked_list_create_with_items(tek->src, NULL);
	dst_ts_list = linked_list_create_with_items(dst_ts, NULL);
	kernel_ipsec_sa_id_t id = {
		.src = src,
		.dst = dst,
		.spi = tek->spi,
		.proto = IPPROTO_ESP,
	};
	kernel_ipsec_add_sa_t data = {
		.reqid = reqid,
		.mode = MODE_TUNNEL,
		.src_ts = src_ts,
		.dst_ts = dst_ts_list,
		.lifetime = &lifetime,
		.enc_alg = tek->encr_alg,
		.enc_key = encr,
		.int_alg = tek->integ_alg,
		.int_key = integ,
		/* many senders share the SA: no anti-replay (RFC 9838 4.4.2.1.3) */
		.replay_window = 0,
		.inbound = inbound,
		.initiator = !inbound,
	};

	status = charon->kernel->add_sa(charon->kernel, &id, &data);
	src_ts->destroy(src_ts);
	dst_ts_list->destroy(dst_ts_list);
	if (status != SUCCESS)
	{
		DBG1(DBG_KNL, "group '%s': unable to install %s SA %H == %H of TEK "
			 "%.8x", this->group, inbound ? "inbound" : "outbound", src, dst,
			 ntohl(tek->spi));
		return FALSE;
	}
	INIT(item,
		.sa = TRUE,
		.src = src->clone(src),
		.dst = dst->clone(dst),
		.reqid = reqid,
	);
	array_insert(entry->items, ARRAY_TAIL, item);
	return TRUE;
}

/**
 * The single multicast address of a selector, NULL if it is something else
 */
static host_t *multicast_address(traffic_selector_t *ts)
{
	host_t *host = NULL;
	chunk_t addr;
	uint8_t mask;
	bool multicast = FALSE;

	if (ts->to_subnet(ts, &host, &mask))
	{
		addr = host->get_address(host);
		switch (host->get_family(host))
		{
			case AF_INET:
				multicast = mask == 32 && (addr.ptr[0] & 0xf0) == 0xe0;
				break;
			case AF_INET6:
				multicast = mask == 128 && addr.ptr[0] == 0xff;
				break;
			default:
				break;
		}
	}
	if (!multicast)
	{
		DESTROY_IF(host);
		return NULL;
	}
	host->set_port(host, 0);
	return host;
}

/**
 * Join a multicast group on the member's address, -1 on failure
 */
static int join_group(private_gdoi_gm_installer_t *this, host_t *group)
{
	struct ip_mreqn mreq = {};
	int fd;

	if (group->get_family(group) != AF_INET)
	{
		DBG1(DBG_NET, "group '%s': joining IPv6 multicast groups is not "
			 "supported yet", this->group);
		return -1;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
	{
		DBG1(DBG_NET, "group '%s': opening a socket to join %H failed: %s",
			 this->group, group, strerror(errno));
		return -1;
	}
	memcpy(&mreq.imr_multiaddr, group->get_address(group).ptr, 4);
	memcpy(&mreq.imr_address, this->local->get_address(this->local).ptr, 4);
	if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq,
				   sizeof(mreq)) < 0)
	{
		DBG1(DBG_NET, "group '%s': joining multicast group %H on %H failed: "
			 "%s", this->group, group, this->local, strerror(errno));
		close(fd);
		return -1;
	}
	DBG2(DBG_NET, "group '%s': joined multicast group %H on %H", this->group,
		 group, this->local);
	return fd;
}

/**
 * Remove everything installed for an entry and free it
 */
static void entry_destroy(private_gdoi_gm_installer_t *this, entry_t *entry)
{
	item_t *item;

	while (array_remove(entry->items, ARRAY_TAIL, &item))
	{
		remove_item(this, entry, item);
		item_destroy(item);
	}
	array_destroy(entry->items);
	if (entry->fd >= 0)
	{
		close(entry->fd);
	}
	if (entry->reqid)
	{
		charon->kernel->release_reqid(charon->kernel, entry->reqid);
	}
	entry->tek->destroy(entry->tek);
	free(entry);
}

/**
 * Install the policies and SAs of a multicast TEK
 */
static bool install_multicast(private_gdoi_gm_installer_t *this,
							  entry_t *entry, host_t *group)
{
	gdoi_tek_t *tek = entry->tek;
	host_t *any;
	bool ok;

	any = host_create_any(group->get_family(group));
	ok = add_policy(this, entry, POLICY_OUT, tek->src, tek->dst, this->local,
					group, POLICY_IPSEC, POLICY_PRIORITY_DEFAULT,
					entry->reqid) &&
		 add_policy(this, entry, POLICY_IN, tek->src, tek->dst, any, group,
					POLICY_IPSEC, POLICY_PRIORITY_DEFAULT, entry->reqid) &&
		 add_policy(this, entry, POLICY_FWD, tek->src, tek->dst, any, group,
					POLICY_IPSEC, POLICY_PRIORITY_DEFAULT, entry->reqid) &&
		 add_sa(this, entry, any, group, tek->dst, TRUE, entry->reqid) &&
		 add_sa(this, entry, this->local, group, tek->dst, FALSE,
				entry->reqid);
	any->destroy(any);
	if (ok)
	{
		entry->fd = join_group(this, group);
	}
	return ok;
}

/**
 * Allocate a reqid of its own for the copy of a TEK towards a peer: userspace
 * IPsec finds the outbound SA of a policy by reqid only
 */
static uint32_t peer_reqid(traffic_selector_t *src, traffic_selector_t *dst)
{
	linked_list_t *my_ts, *other_ts;
	uint32_t reqid = 0;

	my_ts = linked_list_create_with_items(src, NULL);
	other_ts = linked_list_create_with_items(dst, NULL);
	if (charon->kernel->alloc_reqid(charon->kernel, my_ts, other_ts,
						(mark_t){}, (mark_t){}, 0, 0, NULL, &reqid) != SUCCESS)
	{
		reqid = 0;
	}
	my_ts->destroy(my_ts);
	other_ts->destroy(other_ts);
	return reqid;
}

/**
 * Install the copy of a TEK towards a peer, with a reqid of its own
 */
static bool install_peer(private_gdoi_gm_installer_t *this, entry_t *entry,
						 gdoi_gm_peer_t *peer, traffic_selector_t *dst_ts)
{
	gdoi_tek_t *tek = entry->tek;
	item_t *item;
	uint32_t reqid;
	bool ok;

	reqid = peer_reqid(tek->src, dst_ts);
	if (!reqid)
	{
		DBG1(DBG_KNL, "group '%s': no reqid for peer %H", this->group,
			 peer->address);
		return FALSE;
	}
	ok = add_policy(this, entry, POLICY_OUT, tek->src, dst_ts, this->local,
					peer->address, POLICY_IPSEC, POLICY_PRIORITY_DEFAULT,
					reqid);
	if (ok)
	{	/* the policy releases the reqid */
		array_get(entry->items, ARRAY_TAIL, &item);
		item->own_reqid = TRUE;
		ok = add_sa(this, entry, this->local, peer->address, dst_ts, FALSE,
					reqid);
	}
	else
	{
		charon->kernel->release_reqid(charon->kernel, reqid);
	}
	return ok;
}

/**
 * Install the policies and SAs of a unicast TEK: per-peer copies
 */
static bool install_unicast(private_gdoi_gm_installer_t *this, entry_t *entry)
{
	gdoi_tek_t *tek = entry->tek;
	traffic_selector_t *dst_ts;
	gdoi_gm_peer_t *peer;
	host_t *any;
	bool ok;
	int i;

	any = host_create_any(this->local->get_family(this->local));
	/* traffic of the TEK to a destination without a peer is dropped */
	ok = add_policy(this, entry, POLICY_OUT, tek->src, tek->dst, any, any,
					POLICY_DROP, POLICY_PRIORITY_FALLBACK, entry->reqid) &&
		 add_policy(this, entry, POLICY_IN, tek->src, tek->dst, any,
					this->local, POLICY_IPSEC, POLICY_PRIORITY_DEFAULT,
					entry->reqid) &&
		 add_policy(this, entry, POLICY_FWD, tek->src, tek->dst, any,
					this->local, POLICY_IPSEC, POLICY_PRIORITY_DEFAULT,
					entry->reqid) &&
		 add_sa(this, entry, any, this->local, tek->dst, TRUE, entry->reqid);
	for (i = 0; ok && i < array_count(this->peers); i++)
	{
		array_get(this->peers, i, &peer);
		if (peer->address->ip_equals(peer->address, this->local))
		{
			continue;
		}
		dst_ts = tek->dst->get_subset(tek->dst, peer->ts);
		if (!dst_ts)
		{
			DBG2(DBG_KNL, "group '%s': peer %H with %R has no traffic of TEK "
				 "%.8x", this->group, peer->address, peer->ts,
				 ntohl(tek->spi));
			continue;
		}
		ok = install_peer(this, entry, peer, dst_ts);
		dst_ts->destroy(dst_ts);
	}
	any->destroy(any);
	return ok;
}

/**
 * Find an installed TEK by SPI, with the lock held
 */
static entry_t *find_entry(private_gdoi_gm_installer_t *this, uint32_t spi,
						   int *idx)
{
	entry_t *entry;
	int i;

	for (i = 0; i < array_count(this->entries); i++)
	{
		array_get(this->entries, i, &entry);
		if (entry->tek->spi == spi)
		{
			if (idx)
			{
				*idx = i;
			}
			return entry;
		}
	}
	return NULL;
}

METHOD(gdoi_gm_installer_t, install, bool,
	private_gdoi_gm_installer_t *this, gdoi_tek_t *tek)
{
	linked_list_t *my_ts, *other_ts;
	entry_t *entry;
	host_t *group;
	bool ok;

	this->lock->lock(this->lock);
	if (find_entry(this, tek->spi, NULL))
	{
		this->lock->unlock(this->lock);
		DBG1(DBG_KNL, "group '%s': TEK %.8x is already installed", this->group,
			 ntohl(tek->spi));
		return FALSE;
	}
	INIT(entry,
		.tek = tek->get_ref(tek),
		.items = array_create(0, 0),
		.fd = -1,
	);
	my_ts = linked_list_create_with_items(tek->src, NULL);
	other_ts = linked_list_create_with_items(tek->dst, NULL);
	if (charon->kernel->alloc_reqid(charon->kernel, my_ts, other_ts,
						(mark_t){}, (mark_t){}, 0, 0, NULL,
						&entry->reqid) != SUCCESS)
	{
		entry->reqid = 0;
	}
	my_ts->destroy(my_ts);
	other_ts->destroy(other_ts);
	if (!entry->reqid)
	{
		DBG1(DBG_KNL, "group '%s': no reqid for TEK %.8x", this->group,
			 ntohl(tek->spi));
		entry_destroy(this, entry);
		this->lock->unlock(this->lock);
		return FALSE;
	}

	group = multicast_address(tek->dst);
	if (group)
	{
		ok = install_multicast(this, entry, group);
	}
	else
	{
		ok = install_unicast(this, entry);
	}
	if (!ok)
	{
		DBG1(DBG_KNL, "group '%s': installing TEK %.8x failed, removed what "
			 "was installed of it", this->group, ntohl(tek->spi));
		entry_destroy(this, entry);
	}
	else
	{
		array_insert(this->entries, ARRAY_TAIL, entry);
		DBG1(DBG_KNL, "group '%s': installed TEK %.8x (%N%s) %R === %R, %s, "
			 "reqid %u", this->group, ntohl(tek->spi),
			 encryption_algorithm_names, tek->encr_alg,
			 tek->integ_alg == AUTH_UNDEFINED ? "" : " with integrity",
			 tek->src, tek->dst, group ? "multicast" : "unicast to peers",
			 entry->reqid);
	}
	DESTROY_IF(group);
	this->lock->unlock(this->lock);
	return ok;
}

METHOD(gdoi_gm_installer_t, uninstall, bool,
	private_gdoi_gm_installer_t *this, uint32_t spi)
{
	entry_t *entry;
	int idx;

	this->lock->lock(this->lock);
	entry = find_entry(this, spi, &idx);
	if (entry)
	{
		array_remove(this->entries, idx, NULL);
		DBG1(DBG_KNL, "group '%s': removing TEK %.8x", this->group,
			 ntohl(spi));
		entry_destroy(this, entry);
	}
	this->lock->unlock(this->lock);
	return entry != NULL;
}

CALLBACK(destroy_teks, void,
	linked_list_t *teks)
{
	teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));
}

METHOD(gdoi_gm_installer_t, create_enumerator, enumerator_t*,
	private_gdoi_gm_installer_t *this)
{
	linked_list_t *teks;
	entry_t *entry;
	int i;

	teks = linked_list_create();
	this->lock->lock(this->lock);
	for (i = 0; i < array_count(this->entries); i++)
	{
		array_get(this->entries, i, &entry);
		teks->insert_last(teks, entry->tek->get_ref(entry->tek));
	}
	this->lock->unlock(this->lock);
	return enumerator_create_cleaner(teks->create_enumerator(teks),
									 destroy_teks, teks);
}

METHOD(gdoi_gm_installer_t, destroy, void,
	private_gdoi_gm_installer_t *this)
{
	entry_t *entry;

	while (array_remove(this->entries, ARRAY_TAIL, &entry))
	{
		entry_destroy(this, entry);
	}
	array_destroy(this->entries);
	array_destroy_function(this->peers, (void*)gdoi_gm_peer_destroy, NULL);
	this->local->destroy(this->local);
	this->lock->destroy(this->lock);
	free(this->group);
	free(this);
}

/*
 * Described in header
 */
gdoi_gm_installer_t *gdoi_gm_installer_create(char *group, host_t *local,
											  linked_list_t *peers)
{
	private_gdoi_gm_installer_t *this;
	enumerator_t *enumerator;
	gdoi_gm_peer_t *peer, *clone;

	INIT(this,
		.public = {
			.install = _install,
			.uninstall = _uninstall,
			.create_enumerator = _create_enumerator,
			.destroy = _destroy,
		},
		.group = strdup(group),
		.local = local->clone(local),
		.peers = array_create(0, 0),
		.entries = array_create(0, 0),
		.lock = mutex_create(MUTEX_TYPE_DEFAULT),
	);
	if (peers)
	{
		enumerator = peers->create_enumerator(peers);
		while (enumerator->enumerate(enumerator, &peer))
		{
			INIT(clone,
				.address = peer->address->clone(peer->address),
				.ts = peer->ts->clone(peer->ts),
			);
			array_insert(this->peers, ARRAY_TAIL, clone);
		}
		enumerator->destroy(enumerator);
	}
	return &this->public;
}
