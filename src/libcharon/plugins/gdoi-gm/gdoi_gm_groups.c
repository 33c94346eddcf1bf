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

#include "gdoi_gm_groups.h"

#include <daemon.h>
#include <collections/hashtable.h>
#include <threading/rwlock.h>

/**
 * Seconds until a TEK named in a Delete payload is removed, so that packets
 * in flight are still received (RFC 9838's DEACTIVATION_TIME_DELAY)
 */
#define DELETE_DELAY 5

typedef struct private_gdoi_gm_groups_t private_gdoi_gm_groups_t;
typedef struct entry_t entry_t;

/**
 * Private data of a gdoi_gm_groups_t object.
 */
struct private_gdoi_gm_groups_t {

	/**
	 * Public interface.
	 */
	gdoi_gm_groups_t public;

	/**
	 * Joined groups, name => entry_t (keyed by entry->name)
	 */
	hashtable_t *groups;

	/**
	 * Lock for groups
	 */
	rwlock_t *lock;

	/**
	 * Registrar of the registration IKE_SAs
	 */
	gdoi_gm_registrar_t *registrar;

	/**
	 * Registration attempts per key server, backoff and its cap
	 */
	u_int tries;
	uint32_t backoff;
	uint32_t backoff_max;

	/**
	 * TEK switch-over margin
	 */
	uint32_t tek_switch;
};

/**
 * A joined group
 */
struct entry_t {

	/** name of the group */
	char *name;

	/** the group */
	gdoi_gm_group_t *group;
};

/**
 * Stop and destroy an entry
 */
static void entry_destroy(entry_t *entry)
{
	entry->group->stop(entry->group);
	entry->group->destroy(entry->group);
	free(entry->name);
	free(entry);
}

METHOD(gdoi_role_handler_t, load, bool,
	private_gdoi_gm_groups_t *this, gdoi_group_cfg_t *cfg, char **error)
{
	entry_t *entry;

	this->lock->write_lock(this->lock);
	entry = this->groups->get(this->groups, cfg->name);
	if (entry)
	{
		entry->group->update(entry->group, cfg);
		this->lock->unlock(this->lock);
		DBG1(DBG_CFG, "member group '%s' (%Y) reloaded", cfg->name, cfg->id);
		return TRUE;
	}
	INIT(entry,
		.name = strdup(cfg->name),
		.group = gdoi_gm_group_create(cfg, this->tries, this->backoff,
									  this->backoff_max, this->tek_switch,
									  DELETE_DELAY, this->registrar),
	);
	this->groups->put(this->groups, entry->name, entry);
	this->lock->unlock(this->lock);
	DBG1(DBG_CFG, "member group '%s' (%Y) loaded", cfg->name, cfg->id);
	return TRUE;
}

METHOD(gdoi_role_handler_t, unload, bool,
	private_gdoi_gm_groups_t *this, char *name)
{
	entry_t *entry;

	this->lock->write_lock(this->lock);
	entry = this->groups->remove(this->groups, name);
	this->lock->unlock(this->lock);

	if (!entry)
	{
		return FALSE;
	}
	DBG1(DBG_CFG, "member group '%s' unloaded, its group SAs removed", name);
	entry_destroy(entry);
	return TRUE;
}

CALLBACK(destroy_names, void,
	linked_list_t *names)
{
	names->destroy_function(names, free);
}

METHOD(gdoi_role_handler_t, create_enumerator, enumerator_t*,
	private_gdoi_gm_groups_t *this)
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

METHOD(gdoi_role_handler_t, list, void,
	private_gdoi_gm_groups_t *this, char *name, vici_builder_t *b)
{
	entry_t *entry;

	this->lock->read_lock(this->lock);
	entry = this->groups->get(this->groups, name);
	if (entry)
	{
		entry->group->list(entry->group, b);
	}
	this->lock->unlock(this->lock);
}

METHOD(gdoi_gm_groups_t, get_group, gdoi_group_cfg_t*,
	private_gdoi_gm_groups_t *this, char *name)
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

/**
 * Log and announce a datagram no group takes
 */
static void refuse(host_t *src, gikev2_rekey_reject_t reason, char *detail)
{
	vici_builder_t *b;

	DBG1(DBG_IKE, "GDOI_REKEY_FAILURE: GSA_REKEY from %#H refused, %N: %s",
		 src, gikev2_rekey_reject_names, reason, detail);
	if (gdoi_vici_has_listeners(GDOI_VICI_REKEY_REJECTED))
	{
		b = vici_builder_create();
		b->add_kv(b, "exchange", "GSA_REKEY");
		b->add_kv(b, "reason", "%N", gikev2_rekey_reject_names, reason);
		b->add_kv(b, "source", "%H", src);
		gdoi_vici_raise(GDOI_VICI_REKEY_REJECTED, b->finalize(b));
	}
}

METHOD(gdoi_gm_groups_t, receive, void,
	private_gdoi_gm_groups_t *this, chunk_t datagram, host_t *src,
	host_t *dst)
{
	enumerator_t *enumerator;
	gikev2_rekey_reject_t reason;
	gikev2_rekey_hdr_t hdr;
	gikev2_err_t err = {};
	gdoi_gm_group_t *group = NULL;
	entry_t *entry;

	if (!gikev2_rekey_peek(datagram, &hdr, &reason, &err))
	{
		refuse(src, reason, err.msg);
		return;
	}
	this->lock->read_lock(this->lock);
	enumerator = this->groups->create_enumerator(this->groups);
	while (!group && enumerator->enumerate(enumerator, NULL, &entry))
	{
		if (entry->group->has_kek(entry->group, hdr.spi))
		{
			group = entry->group->get_ref(entry->group);
		}
	}
	enumerator->destroy(enumerator);
	this->lock->unlock(this->lock);
	if (!group)
	{
		snprintf(err.msg, sizeof(err.msg), "no group has a KEK with SPI %+B",
				 &(chunk_t){hdr.spi, sizeof(hdr.spi)});
		refuse(src, GIKEV2_REKEY_UNKNOWN_SPI, err.msg);
		return;
	}
	gdoi_gm_group_queue_rekey(group, datagram, src, dst, TRUE);
	group->destroy(group);
}

METHOD(gdoi_gm_groups_t, destroy, void,
	private_gdoi_gm_groups_t *this)
{
	this->groups->destroy_function(this->groups, (void*)entry_destroy);
	this->lock->destroy(this->lock);
	free(this);
}

/*
 * Described in header
 */
gdoi_gm_groups_t *gdoi_gm_groups_create(gdoi_gm_registrar_t *registrar,
										u_int tries, uint32_t backoff,
										uint32_t backoff_max,
										uint32_t tek_switch)
{
	private_gdoi_gm_groups_t *this;

	INIT(this,
		.public = {
			.handler = {
				.load = _load,
				.unload = _unload,
				.create_enumerator = _create_enumerator,
				.list = _list,
			},
			.get_group = _get_group,
			.receive = _receive,
			.destroy = _destroy,
		},
		.groups = hashtable_create(hashtable_hash_str, hashtable_equals_str, 8),
		.lock = rwlock_create(RWLOCK_TYPE_DEFAULT),
		.registrar = registrar,
		.tries = tries,
		.backoff = backoff,
		.backoff_max = backoff_max,
		.tek_switch = tek_switch,
	);

	return &this->public;
}
