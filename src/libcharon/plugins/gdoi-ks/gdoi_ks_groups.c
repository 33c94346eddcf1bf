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

#include "gdoi_ks_groups.h"

#include <collections/hashtable.h>
#include <threading/rwlock.h>

typedef struct private_gdoi_ks_groups_t private_gdoi_ks_groups_t;
typedef struct entry_t entry_t;

/**
 * Private data of a gdoi_ks_groups_t object.
 */
struct private_gdoi_ks_groups_t {

	/**
	 * Public interface.
	 */
	gdoi_ks_groups_t public;

	/**
	 * Served groups, name => entry_t (keyed by entry->name)
	 */
	hashtable_t *groups;

	/**
	 * Lock for groups
	 */
	rwlock_t *lock;

	/**
	 * Context the groups share
	 */
	gdoi_ks_context_t *ctx;
};

/**
 * A served group
 */
struct entry_t {

	/** name of the group */
	char *name;

	/** the group */
	gdoi_ks_group_t *group;
};

/**
 * Destroy an entry
 */
static void entry_destroy(entry_t *entry)
{
	entry->group->stop(entry->group);
	entry->group->destroy(entry->group);
	free(entry->name);
	free(entry);
}

METHOD(gdoi_role_handler_t, load, bool,
	private_gdoi_ks_groups_t *this, gdoi_group_cfg_t *cfg, char **error)
{
	gdoi_ks_group_t *group = NULL;
	entry_t *entry;
	bool ok;

	this->lock->read_lock(this->lock);
	entry = this->groups->get(this->groups, cfg->name);
	if (entry)
	{
		group = entry->group->get_ref(entry->group);
	}
	this->lock->unlock(this->lock);
	if (group)
	{	/* without our lock: it may look up the signing key */
		ok = group->update(group, cfg, error);
		group->destroy(group);
		return ok;
	}

	group = gdoi_ks_group_create(cfg, this->ctx, error);
	if (!group)
	{
		return FALSE;
	}
	INIT(entry,
		.name = strdup(cfg->name),
		.group = group,
	);
	this->lock->write_lock(this->lock);
	entry = this->groups->put(this->groups, entry->name, entry);
	this->lock->unlock(this->lock);
	if (entry)
	{	/* loaded concurrently, keep the newer */
		entry_destroy(entry);
	}
	DBG1(DBG_CFG, "key server group '%s' (%Y) loaded", cfg->name, cfg->id);
	return TRUE;
}

METHOD(gdoi_role_handler_t, unload, bool,
	private_gdoi_ks_groups_t *this, char *name)
{
	entry_t *entry;

	this->lock->write_lock(this->lock);
	entry = this->groups->remove(this->groups, name);
	this->lock->unlock(this->lock);

	if (!entry)
	{
		return FALSE;
	}
	DBG1(DBG_CFG, "key server group '%s' unloaded", name);
	entry_destroy(entry);
	return TRUE;
}

CALLBACK(destroy_names, void,
	linked_list_t *names)
{
	names->destroy_function(names, free);
}

METHOD(gdoi_role_handler_t, create_enumerator, enumerator_t*,
	private_gdoi_ks_groups_t *this)
{
	enumerator_t *enumerator;
	linked_list_t *names;
	char *name;

	names = linked_list_create();
	this->lock->read_lock(this->lock);
	enumerator = this->groups->create_enumerator(this->groups);
	while (enumerator->enumerate(enumerator, &name, NULL))
	{
		names->insert_last(names, strdup(name));
	}
	enumerator->destroy(enumerator);
	this->lock->unlock(this->lock);

	return enumerator_create_cleaner(names->create_enumerator(names),
									 destroy_names, names);
}

/**
 * Add a list of proposals
 */
static void add_proposals(vici_builder_t *b, char *name, linked_list_t *list)
{
	enumerator_t *enumerator;
	proposal_t *proposal;
	char buf[BUF_LEN], *pos;

	b->begin_list(b, name);
	enumerator = list->create_enumerator(list);
	while (enumerator->enumerate(enumerator, &proposal))
	{	/* without the protocol, which the key implies */
		snprintf(buf, sizeof(buf), "%P", proposal);
		pos = strchr(buf, ':');
		b->add_li(b, "%s", pos ? pos + 1 : buf);
	}
	enumerator->destroy(enumerator);
	b->end_list(b);
}

METHOD(gdoi_role_handler_t, list, void,
	private_gdoi_ks_groups_t *this, char *name, vici_builder_t *b)
{
	gdoi_traffic_cfg_t *traffic;
	gdoi_group_cfg_t *cfg;
	enumerator_t *enumerator;
	entry_t *entry;

	this->lock->read_lock(this->lock);
	entry = this->groups->get(this->groups, name);
	if (!entry)
	{
		this->lock->unlock(this->lock);
		return;
	}
	cfg = entry->group->get_cfg(entry->group);
	b->begin_section(b, "traffic");
	enumerator = cfg->traffic->create_enumerator(cfg->traffic);
	while (enumerator->enumerate(enumerator, &traffic))
	{
		b->begin_section(b, traffic->name);
		b->add_kv(b, "src-ts", "%R", traffic->src);
		b->add_kv(b, "dst-ts", "%R", traffic->dst);
		b->add_kv(b, "action", traffic->permit ? "permit" : "deny");
		b->end_section(b);
	}
	enumerator->destroy(enumerator);
	b->end_section(b);

	add_proposals(b, "esp-proposals", cfg->esp_proposals);
	add_proposals(b, "kek-proposals", cfg->kek_proposals);
	b->add_kv(b, "tek-lifetime", "%u", cfg->tek_lifetime);
	b->add_kv(b, "kek-lifetime", "%u", cfg->kek_lifetime);
	b->add_kv(b, "rekey", "%N", gdoi_rekey_transport_names, cfg->rekey);
	if (cfg->rekey_address)
	{
		b->add_kv(b, "rekey-address", "%H", cfg->rekey_address);
	}
	b->add_kv(b, "rekey-retransmit", "%u", cfg->rekey_retransmit);
	b->add_kv(b, "rekey-retransmits", "%u", cfg->rekey_retransmits);
	if (cfg->signing_key)
	{
		b->add_kv(b, "signing-key", "%Y", cfg->signing_key);
	}
	cfg->destroy(cfg);
	entry->group->list(entry->group, b);
	this->lock->unlock(this->lock);
}

METHOD(gdoi_role_handler_t, rekey, bool,
	private_gdoi_ks_groups_t *this, char *name)
{
	entry_t *entry;

	this->lock->read_lock(this->lock);
	entry = this->groups->get(this->groups, name);
	if (entry)
	{
		entry->group->rekey_soon(entry->group);
	}
	this->lock->unlock(this->lock);
	return entry != NULL;
}

METHOD(gdoi_ks_groups_t, get_group, gdoi_group_cfg_t*,
	private_gdoi_ks_groups_t *this, char *name)
{
	gdoi_group_cfg_t *cfg = NULL;
	entry_t *entry;

	this->lock->read_lock(this->lock);
	entry = this->groups->get(this->groups, name);
	if (entry)
	{
		cfg = entry->group->get_cfg(entry->group);
	}
	this->lock->unlock(this->lock);
	return cfg;
}

METHOD(gdoi_ks_groups_t, find_by_id, gdoi_ks_group_t*,
	private_gdoi_ks_groups_t *this, identification_t *id)
{
	gdoi_ks_group_t *found = NULL;
	enumerator_t *enumerator;
	gdoi_group_cfg_t *cfg;
	entry_t *entry;

	this->lock->read_lock(this->lock);
	enumerator = this->groups->create_enumerator(this->groups);
	while (!found && enumerator->enumerate(enumerator, NULL, &entry))
	{
		cfg = entry->group->get_cfg(entry->group);
		if (cfg->id->equals(cfg->id, id))
		{
			found = entry->group->get_ref(entry->group);
		}
		cfg->destroy(cfg);
	}
	enumerator->destroy(enumerator);
	this->lock->unlock(this->lock);
	return found;
}

METHOD(gdoi_ks_groups_t, receive, void,
	private_gdoi_ks_groups_t *this, chunk_t datagram, host_t *src)
{
	gikev2_rekey_reject_t reason = GIKEV2_REKEY_OK;
	gikev2_rekey_hdr_t hdr;
	gikev2_err_t err = {};
	enumerator_t *enumerator;
	entry_t *entry;
	bool handled = FALSE;

	if (!gikev2_rekey_peek(datagram, &hdr, &reason, &err))
	{
		DBG1(DBG_NET, "dropped a datagram of %zu bytes from %H on the rekey "
			 "socket: %N, %s", datagram.len, src, gikev2_rekey_reject_names,
			 reason, err.msg);
		return;
	}
	this->lock->read_lock(this->lock);
	enumerator = this->groups->create_enumerator(this->groups);
	while (!handled && enumerator->enumerate(enumerator, NULL, &entry))
	{
		handled = entry->group->ack(entry->group, &hdr, datagram, src);
	}
	enumerator->destroy(enumerator);
	this->lock->unlock(this->lock);
	if (!handled)
	{
		DBG1(DBG_NET, "dropped a datagram from %H on the rekey socket: %N, "
			 "no last rekey under KEK %+B", src, gikev2_rekey_reject_names,
			 GIKEV2_REKEY_UNKNOWN_SPI,
			 &(chunk_t){hdr.spi, sizeof(hdr.spi)});
	}
}

METHOD(gdoi_ks_groups_t, destroy, void,
	private_gdoi_ks_groups_t *this)
{
	this->groups->destroy_function(this->groups, (void*)entry_destroy);
	this->lock->destroy(this->lock);
	free(this);
}

/*
 * Described in header
 */
gdoi_ks_groups_t *gdoi_ks_groups_create(gdoi_ks_context_t *ctx)
{
	private_gdoi_ks_groups_t *this;

	INIT(this,
		.public = {
			.handler = {
				.load = _load,
				.unload = _unload,
				.create_enumerator = _create_enumerator,
				.list = _list,
				.rekey = _rekey,
			},
			.get_group = _get_group,
			.find_by_id = _find_by_id,
			.receive = _receive,
			.destroy = _destroy,
		},
		.groups = hashtable_create(hashtable_hash_str, hashtable_equals_str, 8),
		.lock = rwlock_create(RWLOCK_TYPE_DEFAULT),
		.ctx = ctx,
	);

	return &this->public;
}
