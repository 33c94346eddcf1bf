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

#include <processing/jobs/callback_job.h>
#include <gdoi_timing.h>

typedef struct private_gdoi_gm_installer_t private_gdoi_gm_installer_t;
typedef struct timer_handle_t timer_handle_t;
typedef struct slot_t slot_t;
typedef struct entry_t entry_t;
typedef struct route_t route_t;
typedef struct item_t item_t;

/**
 * What a scheduled timer job refers to, so that it does nothing once the
 * installer is gone
 */
struct timer_handle_t {

	/** the installer, NULL once destroyed */
	private_gdoi_gm_installer_t *installer;

	/** held while a job runs and while the installer goes */
	mutex_t *mutex;

	/** references: the installer and each scheduled job */
	refcount_t ref;
};

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
	 * Switch-over margin, seconds
	 */
	uint32_t margin;

	/**
	 * Traffic with installed policies, slot_t*
	 */
	array_t *slots;

	/**
	 * Monotonic time of the earliest timer job scheduled, 0 if none
	 */
	time_t timer_at;

	/**
	 * Handle of the timer jobs
	 */
	timer_handle_t *timer;

	/**
	 * Lock for slots and timer_at
	 */
	mutex_t *lock;
};

/**
 * The policies of one traffic (equal selectors) and its TEKs
 */
struct slot_t {

	/** selectors of the traffic */
	traffic_selector_t *src;
	traffic_selector_t *dst;

	/** multicast group address, NULL for unicast TEKs */
	host_t *group;

	/** reqid of the policies and of the inbound SAs */
	uint32_t reqid;

	/** policies installed, in order, item_t* */
	array_t *policies;

	/** where outbound SAs go, route_t* */
	array_t *routes;

	/** installed TEKs, entry_t* */
	array_t *teks;

	/** TEK that has the outbound SAs, NULL if none */
	entry_t *out;

	/** socket holding the membership of the multicast group, or -1 */
	int fd;
};

/**
 * Where the outbound SAs of a traffic go: the multicast group or a peer
 */
struct route_t {

	/** outer destination */
	host_t *dst;

	/** inner destination */
	traffic_selector_t *dst_ts;

	/** reqid of the route's policy and SAs */
	uint32_t reqid;
};

/**
 * An installed TEK
 */
struct entry_t {

	/** the TEK */
	gdoi_tek_t *tek;

	/** its SAs installed, item_t*: inbound first, then outbound ones */
	array_t *sas;

	/** monotonic time it is removed at after a retire(), 0 if not */
	time_t retire_at;

	/** being removed, not to be chosen for sending */
	bool removing;
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

	/** SPI of the SA, or the one the policy was installed with */
	uint32_t spi;

	/** whether the item holds its own reference to reqid */
	bool own_reqid;

	/** SA: index of its route, -1 for the inbound SA */
	int route;
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
 * Monotonic time a TEK expires at
 */
static time_t expires(gdoi_tek_t *tek)
{
	return tek->created + tek->lifetime;
}

/**
 * Monotonic time outbound traffic moves away from a TEK
 */
static time_t switch_at(private_gdoi_gm_installer_t *this, gdoi_tek_t *tek)
{
	return tek->created + gdoi_tek_switch_time(tek->lifetime, this->margin);
}

/**
 * The SA configuration policies refer to
 */
static ipsec_sa_cfg_t sa_cfg(uint32_t spi, policy_type_t type, uint32_t reqid)
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
			.spi = spi,
		},
	};
}

/**
 * Remove an item from the kernel; quietly if the kernel may have removed it
 * already (an SA at its hard lifetime)
 */
static void remove_item(private_gdoi_gm_installer_t *this, item_t *item,
						bool quiet)
{
	status_t status;

	if (item->sa)
	{
		kernel_ipsec_sa_id_t id = {
			.src = item->src,
			.dst = item->dst,
			.spi = item->spi,
			.proto = IPPROTO_ESP,
		};
		kernel_ipsec_del_sa_t data = {};

		status = charon->kernel->del_sa(charon->kernel, &id, &data);
	}
	else
	{
		ipsec_sa_cfg_t sa = sa_cfg(item->spi, item->type, item->reqid);
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
		if (quiet)
		{
			DBG2(DBG_KNL, "group '%s': SA %H == %H of TEK %.8x was gone "
				 "already", this->group, item->src, item->dst,
				 ntohl(item->spi));
		}
		else
		{
			DBG1(DBG_KNL, "group '%s': removing %s of TEK %.8x failed",
				 this->group, item->sa ? "SA" : "policy", ntohl(item->spi));
		}
	}
	if (item->own_reqid)
	{
		charon->kernel->release_reqid(charon->kernel, item->reqid);
	}
}

/**
 * Add a policy of a traffic and record it
 */
static item_t *add_policy(private_gdoi_gm_installer_t *this, slot_t *slot,
						  uint32_t spi, policy_dir_t dir,
						  traffic_selector_t *src_ts,
						  traffic_selector_t *dst_ts, host_t *src, host_t *dst,
						  policy_type_t type, policy_priority_t prio,
						  uint32_t reqid)
{
	ipsec_sa_cfg_t sa = sa_cfg(spi, type, reqid);
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
			 policy_dir_names, dir, src_ts, dst_ts, ntohl(spi));
		return NULL;
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
		.spi = spi,
	);
	array_insert(slot->policies, ARRAY_TAIL, item);
	return item;
}

/**
 * Add an SA of a TEK and record it
 */
static bool add_sa(private_gdoi_gm_installer_t *this, entry_t *entry,
				   host_t *src, host_t *dst, traffic_selector_t *dst_ts,
				   uint32_t reqid, int route, time_t now)
{
	gdoi_tek_t *tek = entry->tek;
	linked_list_t *src_ts, *dst_ts_list;
	lifetime_cfg_t lifetime = {
		.time = {
			.life = tek->get_remaining(tek, now),
		},
	};
	bool inbound = route < 0;
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
		.spi = tek->spi,
		.route = route,
	);
	array_insert(entry->sas, ARRAY_TAIL, item);
	return TRUE;
}

/**
 * Add the inbound SA of a TEK
 */
static bool add_in(private_gdoi_gm_installer_t *this, slot_t *slot,
				   entry_t *entry, time_t now)
{
	host_t *any;
	bool ok;

	any = host_create_any(this->local->get_family(this->local));
	ok = add_sa(this, entry, any, slot->group ?: this->local,
				entry->tek->dst, slot->reqid, -1, now);
	any->destroy(any);
	return ok;
}

/**
 * Add the outbound SA of a TEK over a route
 */
static bool add_out(private_gdoi_gm_installer_t *this, slot_t *slot,
					entry_t *entry, int idx, time_t now)
{
	route_t *route;

	array_get(slot->routes, idx, &route);
	return add_sa(this, entry, this->local, route->dst, route->dst_ts,
				  route->reqid, idx, now);
}

/**
 * Remove the outbound SA of a TEK over a route
 */
static void remove_out(private_gdoi_gm_installer_t *this, entry_t *entry,
					   int idx)
{
	item_t *item;
	int i;

	for (i = 0; i < array_count(entry->sas); i++)
	{
		array_get(entry->sas, i, &item);
		if (item->route == idx)
		{
			array_remove(entry->sas, i, NULL);
			remove_item(this, item, FALSE);
			item_destroy(item);
			return;
		}
	}
}

/**
 * Remove every SA of a TEK, in reverse order
 */
static void remove_sas(private_gdoi_gm_installer_t *this, entry_t *entry,
					   bool quiet)
{
	item_t *item;

	while (array_remove(entry->sas, ARRAY_TAIL, &item))
	{
		remove_item(this, item, quiet);
		item_destroy(item);
	}
}

/**
 * Free a TEK entry, its SAs removed
 */
static void entry_destroy(entry_t *entry)
{
	array_destroy(entry->sas);
	entry->tek->destroy(entry->tek);
	free(entry);
}

/**
 * The TEK of a traffic to send with: the one with the least remaining
 * lifetime above the switch margin, else the newest; NULL if none
 */
static entry_t *select_out(private_gdoi_gm_installer_t *this, slot_t *slot,
						   time_t now)
{
	entry_t *entry, *best = NULL, *newest = NULL;
	int i;

	for (i = 0; i < array_count(slot->teks); i++)
	{
		array_get(slot->teks, i, &entry);
		if (entry->removing || entry->retire_at ||
			expires(entry->tek) <= now)
		{
			continue;
		}
		if (now < switch_at(this, entry->tek) &&
			(!best || expires(entry->tek) < expires(best->tek)))
		{
			best = entry;
		}
		if (!newest || expires(entry->tek) > expires(newest->tek))
		{
			newest = entry;
		}
	}
	return best ?: newest;
}

/**
 * Move the outbound SAs of a traffic to a TEK: for each route, the new
 * TEK's SA first, then the old one's goes
 */
static void switch_out(private_gdoi_gm_installer_t *this, slot_t *slot,
					   entry_t *to, time_t now)
{
	entry_t *from = slot->out;
	int i;

	for (i = 0; i < array_count(slot->routes); i++)
	{
		if (add_out(this, slot, to, i, now) && from)
		{
			remove_out(this, from, i);
		}
	}
	slot->out = to;
	if (from)
	{
		DBG1(DBG_KNL, "group '%s': outbound traffic %R === %R switched from "
			 "TEK %.8x to TEK %.8x", this->group, slot->src, slot->dst,
			 ntohl(from->tek->spi), ntohl(to->tek->spi));
	}
	else
	{
		DBG1(DBG_KNL, "group '%s': outbound traffic %R === %R uses TEK %.8x",
			 this->group, slot->src, slot->dst, ntohl(to->tek->spi));
	}
}

/**
 * Give the outbound SAs of a traffic to the TEK that should have them
 */
static void update_out(private_gdoi_gm_installer_t *this, slot_t *slot,
					   time_t now)
{
	entry_t *entry;

	entry = select_out(this, slot, now);
	if (entry && entry != slot->out)
	{
		switch_out(this, slot, entry, now);
	}
}

/**
 * Remove a TEK from its traffic, another one taking over sending first
 */
static void remove_entry(private_gdoi_gm_installer_t *this, slot_t *slot,
						 entry_t *entry, time_t now, bool quiet)
{
	entry_t *current;
	int i;

	entry->removing = TRUE;
	if (slot->out == entry)
	{
		current = select_out(this, slot, now);
		if (current)
		{
			switch_out(this, slot, current, now);
		}
		else
		{
			slot->out = NULL;
		}
	}
	remove_sas(this, entry, quiet);
	for (i = 0; i < array_count(slot->teks); i++)
	{
		array_get(slot->teks, i, &current);
		if (current == entry)
		{
			array_remove(slot->teks, i, NULL);
			break;
		}
	}
	entry_destroy(entry);
}

/**
 * Remove a traffic: its TEKs' SAs, then its policies, the membership and
 * the reqid
 */
static void slot_destroy(private_gdoi_gm_installer_t *this, slot_t *slot)
{
	entry_t *entry;
	route_t *route;
	item_t *item;

	while (array_remove(slot->teks, ARRAY_TAIL, &entry))
	{
		remove_sas(this, entry, FALSE);
		entry_destroy(entry);
	}
	array_destroy(slot->teks);
	while (array_remove(slot->policies, ARRAY_TAIL, &item))
	{
		remove_item(this, item, FALSE);
		item_destroy(item);
	}
	array_destroy(slot->policies);
	while (array_remove(slot->routes, ARRAY_TAIL, &route))
	{
		route->dst->destroy(route->dst);
		route->dst_ts->destroy(route->dst_ts);
		free(route);
	}
	array_destroy(slot->routes);
	if (slot->fd >= 0)
	{
		close(slot->fd);
	}
	if (slot->reqid)
	{
		charon->kernel->release_reqid(charon->kernel, slot->reqid);
	}
	DESTROY_IF(slot->group);
	slot->src->destroy(slot->src);
	slot->dst->destroy(slot->dst);
	free(slot);
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
 * Add a route for outbound SAs
 */
static void add_route(slot_t *slot, host_t *dst, traffic_selector_t *dst_ts,
					  uint32_t reqid)
{
	route_t *route;

	INIT(route,
		.dst = dst->clone(dst),
		.dst_ts = dst_ts->clone(dst_ts),
		.reqid = reqid,
	);
	array_insert(slot->routes, ARRAY_TAIL, route);
}

/**
 * Install the policies of a multicast traffic, the TEK's SAs and the join
 */
static bool install_multicast(private_gdoi_gm_installer_t *this,
							  slot_t *slot, entry_t *entry, time_t now)
{
	gdoi_tek_t *tek = entry->tek;
	host_t *any;
	bool ok;

	any = host_create_any(slot->group->get_family(slot->group));
	ok = add_policy(this, slot, tek->spi, POLICY_OUT, tek->src, tek->dst,
					this->local, slot->group, POLICY_IPSEC,
					POLICY_PRIORITY_DEFAULT, slot->reqid) &&
		 add_policy(this, slot, tek->spi, POLICY_IN, tek->src, tek->dst, any,
					slot->group, POLICY_IPSEC, POLICY_PRIORITY_DEFAULT,
					slot->reqid) &&
		 add_policy(this, slot, tek->spi, POLICY_FWD, tek->src, tek->dst, any,
					slot->group, POLICY_IPSEC, POLICY_PRIORITY_DEFAULT,
					slot->reqid) &&
		 add_in(this, slot, entry, now);
	any->destroy(any);
	if (ok)
	{
		add_route(slot, slot->group, tek->dst, slot->reqid);
		ok = add_out(this, slot, entry, 0, now);
	}
	if (ok)
	{
		slot->fd = join_group(this, slot->group);
	}
	return ok;
}

/**
 * Allocate a reqid for selectors
 */
static uint32_t alloc_reqid(traffic_selector_t *src, traffic_selector_t *dst)
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
 * Install the copy of a TEK towards a peer: a route with a reqid of its own,
 * as userspace IPsec finds the outbound SA of a policy by reqid only
 */
static bool install_peer(private_gdoi_gm_installer_t *this, slot_t *slot,
						 entry_t *entry, gdoi_gm_peer_t *peer,
						 traffic_selector_t *dst_ts, time_t now)
{
	gdoi_tek_t *tek = entry->tek;
	item_t *item;
	uint32_t reqid;

	reqid = alloc_reqid(tek->src, dst_ts);
	if (!reqid)
	{
		DBG1(DBG_KNL, "group '%s': no reqid for peer %H", this->group,
			 peer->address);
		return FALSE;
	}
	item = add_policy(this, slot, tek->spi, POLICY_OUT, tek->src, dst_ts,
					  this->local, peer->address, POLICY_IPSEC,
					  POLICY_PRIORITY_DEFAULT, reqid);
	if (!item)
	{
		charon->kernel->release_reqid(charon->kernel, reqid);
		return FALSE;
	}
	/* the policy releases the reqid */
	item->own_reqid = TRUE;
	add_route(slot, peer->address, dst_ts, reqid);
	return add_out(this, slot, entry, array_count(slot->routes) - 1, now);
}

/**
 * Install the policies of a unicast traffic and the TEK's SAs: per-peer
 * copies
 */
static bool install_unicast(private_gdoi_gm_installer_t *this, slot_t *slot,
							entry_t *entry, time_t now)
{
	gdoi_tek_t *tek = entry->tek;
	traffic_selector_t *dst_ts;
	gdoi_gm_peer_t *peer;
	host_t *any;
	bool ok;
	int i;

	any = host_create_any(this->local->get_family(this->local));
	/* traffic of the TEK to a destination without a peer is dropped */
	ok = add_policy(this, slot, tek->spi, POLICY_OUT, tek->src, tek->dst, any,
					any, POLICY_DROP, POLICY_PRIORITY_FALLBACK, slot->reqid) &&
		 add_policy(this, slot, tek->spi, POLICY_IN, tek->src, tek->dst, any,
					this->local, POLICY_IPSEC, POLICY_PRIORITY_DEFAULT,
					slot->reqid) &&
		 add_policy(this, slot, tek->spi, POLICY_FWD, tek->src, tek->dst, any,
					this->local, POLICY_IPSEC, POLICY_PRIORITY_DEFAULT,
					slot->reqid) &&
		 add_in(this, slot, entry, now);
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
		ok = install_peer(this, slot, entry, peer, dst_ts, now);
		dst_ts->destroy(dst_ts);
	}
	any->destroy(any);
	return ok;
}

/**
 * Find an installed TEK by SPI, with the lock held
 */
static entry_t *find_entry(private_gdoi_gm_installer_t *this, uint32_t spi,
						   slot_t **slot_out)
{
	entry_t *entry;
	slot_t *slot;
	int i, j;

	for (i = 0; i < array_count(this->slots); i++)
	{
		array_get(this->slots, i, &slot);
		for (j = 0; j < array_count(slot->teks); j++)
		{
			array_get(slot->teks, j, &entry);
			if (entry->tek->spi == spi)
			{
				if (slot_out)
				{
					*slot_out = slot;
				}
				return entry;
			}
		}
	}
	return NULL;
}

/**
 * Find the traffic of a TEK, with the lock held
 */
static slot_t *find_slot(private_gdoi_gm_installer_t *this, gdoi_tek_t *tek)
{
	slot_t *slot;
	int i;

	for (i = 0; i < array_count(this->slots); i++)
	{
		array_get(this->slots, i, &slot);
		if (slot->src->equals(slot->src, tek->src) &&
			slot->dst->equals(slot->dst, tek->dst))
		{
			return slot;
		}
	}
	return NULL;
}

/**
 * Remove a traffic from the list and destroy it, with the lock held
 */
static void remove_slot(private_gdoi_gm_installer_t *this, slot_t *slot)
{
	slot_t *current;
	int i;

	for (i = 0; i < array_count(this->slots); i++)
	{
		array_get(this->slots, i, &current);
		if (current == slot)
		{
			array_remove(this->slots, i, NULL);
			break;
		}
	}
	slot_destroy(this, slot);
}

/**
 * Keep the earlier of two times that are after now
 */
static void earlier(time_t *next, time_t at, time_t now)
{
	if (at > now && (!*next || at < *next))
	{
		*next = at;
	}
}

/**
 * Monotonic time of the next timer after now, 0 if none, with the lock held
 */
static time_t next_due(private_gdoi_gm_installer_t *this, time_t now)
{
	entry_t *entry;
	slot_t *slot;
	time_t next = 0;
	int i, j;

	for (i = 0; i < array_count(this->slots); i++)
	{
		array_get(this->slots, i, &slot);
		if (slot->out && array_count(slot->teks) > 1)
		{
			earlier(&next, switch_at(this, slot->out->tek), now);
		}
		for (j = 0; j < array_count(slot->teks); j++)
		{
			array_get(slot->teks, j, &entry);
			earlier(&next, expires(entry->tek), now);
			if (entry->retire_at)
			{
				earlier(&next, entry->retire_at, now);
			}
		}
	}
	return next;
}

CALLBACK(timer_job, job_requeue_t,
	timer_handle_t *handle)
{
	handle->mutex->lock(handle->mutex);
	if (handle->installer)
	{
		handle->installer->public.tick(&handle->installer->public,
									   time_monotonic(NULL));
	}
	handle->mutex->unlock(handle->mutex);
	return JOB_REQUEUE_NONE;
}

CALLBACK(timer_release, void,
	timer_handle_t *handle)
{
	if (ref_put(&handle->ref))
	{
		handle->mutex->destroy(handle->mutex);
		free(handle);
	}
}

/**
 * Schedule a job for the next timer unless one is scheduled for it or
 * earlier, with the lock held
 */
static time_t schedule(private_gdoi_gm_installer_t *this, time_t now)
{
	time_t next;

	next = next_due(this, now);
	if (!next ||
		(this->timer_at > now && this->timer_at <= next))
	{
		return next;
	}
	this->timer_at = next;
	ref_get(&this->timer->ref);
	lib->scheduler->schedule_job(lib->scheduler, (job_t*)
						callback_job_create(timer_job, this->timer,
											timer_release, NULL),
						next - now);
	return next;
}

/**
 * Install a TEK as the first one of its traffic, with the lock held
 */
static bool install_slot(private_gdoi_gm_installer_t *this, entry_t *entry,
						 time_t now)
{
	gdoi_tek_t *tek = entry->tek;
	slot_t *slot;
	bool ok;

	INIT(slot,
		.src = tek->src->clone(tek->src),
		.dst = tek->dst->clone(tek->dst),
		.group = gdoi_ts_multicast(tek->dst),
		.reqid = alloc_reqid(tek->src, tek->dst),
		.policies = array_create(0, 0),
		.routes = array_create(0, 0),
		.teks = array_create(0, 0),
		.fd = -1,
	);
	if (slot->group)
	{	/* an SA's destination, no port */
		slot->group->set_port(slot->group, 0);
	}
	array_insert(slot->teks, ARRAY_TAIL, entry);
	if (!slot->reqid)
	{
		DBG1(DBG_KNL, "group '%s': no reqid for TEK %.8x", this->group,
			 ntohl(tek->spi));
		ok = FALSE;
	}
	else if (slot->group)
	{
		ok = install_multicast(this, slot, entry, now);
	}
	else
	{
		ok = install_unicast(this, slot, entry, now);
	}
	if (!ok)
	{
		DBG1(DBG_KNL, "group '%s': installing TEK %.8x failed, removed what "
			 "was installed of it", this->group, ntohl(tek->spi));
		/* the caller frees the entry */
		array_remove(slot->teks, ARRAY_TAIL, NULL);
		remove_sas(this, entry, FALSE);
		slot_destroy(this, slot);
		return FALSE;
	}
	slot->out = entry;
	array_insert(this->slots, ARRAY_TAIL, slot);
	DBG1(DBG_KNL, "group '%s': installed TEK %.8x (%N%s) %R === %R, %s, "
		 "reqid %u", this->group, ntohl(tek->spi),
		 encryption_algorithm_names, tek->encr_alg,
		 tek->integ_alg == AUTH_UNDEFINED ? "" : " with integrity",
		 tek->src, tek->dst, slot->group ? "multicast" : "unicast to peers",
		 slot->reqid);
	return TRUE;
}

METHOD(gdoi_gm_installer_t, install, bool,
	private_gdoi_gm_installer_t *this, gdoi_tek_t *tek)
{
	entry_t *entry;
	slot_t *slot;
	time_t now;
	bool ok = FALSE;

	now = time_monotonic(NULL);
	this->lock->lock(this->lock);
	if (find_entry(this, tek->spi, NULL))
	{
		this->lock->unlock(this->lock);
		DBG1(DBG_KNL, "group '%s': TEK %.8x is already installed", this->group,
			 ntohl(tek->spi));
		return FALSE;
	}
	if (!tek->get_remaining(tek, now))
	{
		this->lock->unlock(this->lock);
		DBG1(DBG_KNL, "group '%s': TEK %.8x has expired, not installed",
			 this->group, ntohl(tek->spi));
		return FALSE;
	}
	INIT(entry,
		.tek = tek->get_ref(tek),
		.sas = array_create(0, 0),
	);
	slot = find_slot(this, tek);
	if (!slot)
	{
		ok = install_slot(this, entry, now);
	}
	else if (add_in(this, slot, entry, now))
	{
		array_insert(slot->teks, ARRAY_TAIL, entry);
		DBG1(DBG_KNL, "group '%s': installed TEK %.8x (%N%s) %R === %R "
			 "inbound, for the traffic of TEK %.8x, reqid %u", this->group,
			 ntohl(tek->spi), encryption_algorithm_names, tek->encr_alg,
			 tek->integ_alg == AUTH_UNDEFINED ? "" : " with integrity",
			 tek->src, tek->dst, slot->out ? ntohl(slot->out->tek->spi) : 0,
			 slot->reqid);
		update_out(this, slot, now);
		ok = TRUE;
	}
	if (!ok)
	{
		entry_destroy(entry);
	}
	schedule(this, now);
	this->lock->unlock(this->lock);
	return ok;
}

METHOD(gdoi_gm_installer_t, uninstall, bool,
	private_gdoi_gm_installer_t *this, uint32_t spi)
{
	entry_t *entry;
	slot_t *slot;
	time_t now;

	now = time_monotonic(NULL);
	this->lock->lock(this->lock);
	entry = find_entry(this, spi, &slot);
	if (entry)
	{
		DBG1(DBG_KNL, "group '%s': removing TEK %.8x", this->group,
			 ntohl(spi));
		remove_entry(this, slot, entry, now, FALSE);
		if (!array_count(slot->teks))
		{
			remove_slot(this, slot);
		}
		schedule(this, now);
	}
	this->lock->unlock(this->lock);
	return entry != NULL;
}

METHOD(gdoi_gm_installer_t, retire, bool,
	private_gdoi_gm_installer_t *this, uint32_t spi, uint32_t delay)
{
	entry_t *entry;
	slot_t *slot;
	time_t now;

	if (!delay)
	{
		return this->public.uninstall(&this->public, spi);
	}
	now = time_monotonic(NULL);
	this->lock->lock(this->lock);
	entry = find_entry(this, spi, &slot);
	if (entry)
	{
		if (!entry->retire_at || entry->retire_at > now + delay)
		{
			entry->retire_at = now + delay;
		}
		DBG1(DBG_KNL, "group '%s': removing TEK %.8x in %us", this->group,
			 ntohl(spi), delay);
		update_out(this, slot, now);
		schedule(this, now);
	}
	this->lock->unlock(this->lock);
	return entry != NULL;
}

METHOD(gdoi_gm_installer_t, tick, time_t,
	private_gdoi_gm_installer_t *this, time_t now)
{
	entry_t *entry;
	slot_t *slot;
	bool retired;
	time_t next;
	int i, j;

	this->lock->lock(this->lock);
	for (i = array_count(this->slots) - 1; i >= 0; i--)
	{
		array_get(this->slots, i, &slot);
		retired = FALSE;
		for (j = array_count(slot->teks) - 1; j >= 0; j--)
		{
			array_get(slot->teks, j, &entry);
			if (entry->retire_at && entry->retire_at <= now)
			{
				DBG1(DBG_KNL, "group '%s': removing retired TEK %.8x",
					 this->group, ntohl(entry->tek->spi));
				remove_entry(this, slot, entry, now, FALSE);
				retired = TRUE;
			}
			else if (expires(entry->tek) <= now)
			{
				DBG1(DBG_KNL, "group '%s': TEK %.8x expired, removing its SAs",
					 this->group, ntohl(entry->tek->spi));
				remove_entry(this, slot, entry, now, TRUE);
			}
		}
		if (retired && !array_count(slot->teks))
		{
			remove_slot(this, slot);
			continue;
		}
		update_out(this, slot, now);
	}
	next = schedule(this, now);
	this->lock->unlock(this->lock);
	return next;
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
	slot_t *slot;
	int i, j;

	teks = linked_list_create();
	this->lock->lock(this->lock);
	for (i = 0; i < array_count(this->slots); i++)
	{
		array_get(this->slots, i, &slot);
		for (j = 0; j < array_count(slot->teks); j++)
		{
			array_get(slot->teks, j, &entry);
			teks->insert_last(teks, entry->tek->get_ref(entry->tek));
		}
	}
	this->lock->unlock(this->lock);
	return enumerator_create_cleaner(teks->create_enumerator(teks),
									 destroy_teks, teks);
}

/**
 * Destroy a rollover state
 */
static void rollover_destroy(gdoi_gm_rollover_t *rollover)
{
	rollover->src->destroy(rollover->src);
	rollover->dst->destroy(rollover->dst);
	free(rollover);
}

CALLBACK(destroy_rollovers, void,
	linked_list_t *list)
{
	list->destroy_function(list, (void*)rollover_destroy);
}

METHOD(gdoi_gm_installer_t, create_rollover_enumerator, enumerator_t*,
	private_gdoi_gm_installer_t *this, time_t now)
{
	gdoi_gm_rollover_t *rollover;
	linked_list_t *list;
	entry_t *next;
	slot_t *slot;
	time_t at;
	int i;

	list = linked_list_create();
	this->lock->lock(this->lock);
	for (i = 0; i < array_count(this->slots); i++)
	{
		array_get(this->slots, i, &slot);
		INIT(rollover,
			.src = slot->src->clone(slot->src),
			.dst = slot->dst->clone(slot->dst),
		);
		if (slot->out)
		{
			rollover->current = slot->out->tek->spi;
			/* what takes over when the sending TEK reaches the margin */
			at = max(now, switch_at(this, slot->out->tek));
			slot->out->removing = TRUE;
			next = select_out(this, slot, at);
			slot->out->removing = FALSE;
			if (next)
			{
				rollover->next = next->tek->spi;
				rollover->switch_in = at - now;
			}
		}
		list->insert_last(list, rollover);
	}
	this->lock->unlock(this->lock);
	return enumerator_create_cleaner(list->create_enumerator(list),
									 destroy_rollovers, list);
}

METHOD(gdoi_gm_installer_t, destroy, void,
	private_gdoi_gm_installer_t *this)
{
	slot_t *slot;

	/* wait for a timer job that runs, and make later ones do nothing */
	this->timer->mutex->lock(this->timer->mutex);
	this->timer->installer = NULL;
	this->timer->mutex->unlock(this->timer->mutex);
	timer_release(this->timer);

	while (array_remove(this->slots, ARRAY_TAIL, &slot))
	{
		slot_destroy(this, slot);
	}
	array_destroy(this->slots);
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
											  linked_list_t *peers,
											  uint32_t margin)
{
	private_gdoi_gm_installer_t *this;
	enumerator_t *enumerator;
	gdoi_gm_peer_t *peer, *clone;

	INIT(this,
		.public = {
			.install = _install,
			.uninstall = _uninstall,
			.retire = _retire,
			.tick = _tick,
			.create_enumerator = _create_enumerator,
			.create_rollover_enumerator = _create_rollover_enumerator,
			.destroy = _destroy,
		},
		.group = strdup(group),
		.local = local->clone(local),
		.peers = array_create(0, 0),
		.margin = margin,
		.slots = array_create(0, 0),
		.lock = mutex_create(MUTEX_TYPE_DEFAULT),
	);
	INIT(this->timer,
		.installer = this,
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
		.ref = 1,
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
