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

#include "gdoi_vici.h"

#include <vici_dispatcher.h>
#include <collections/hashtable.h>
#include <threading/rwlock.h>

/** number of roles */
#define ROLES (GDOI_ROLE_MEMBER + 1)

typedef struct registry_t registry_t;

/**
 * The process-wide registry of role handlers and loaded groups
 */
struct registry_t {

	/** handlers by role */
	gdoi_role_handler_t *handlers[ROLES];

	/** loaded groups, name => gdoi_group_cfg_t (own reference) */
	hashtable_t *groups;

	/** lock for the above, held while calling the handlers */
	rwlock_t *lock;

	/** dispatcher the commands are registered with, if any */
	vici_dispatcher_t *dispatcher;
};

/**
 * Single instance, created with the first handler
 */
static registry_t *registry;

/**
 * Plugin that serves each role, for error messages
 */
static char *role_plugins[ROLES] = {
	"gdoi-ks",
	"gdoi-gm",
};

/**
 * Create a (error) reply message
 */
static vici_message_t *create_reply(char *fmt, ...)
{
	vici_builder_t *builder;
	va_list args;

	builder = vici_builder_create();
	builder->add_kv(builder, "success", fmt ? "no" : "yes");
	if (fmt)
	{
		va_start(args, fmt);
		builder->vadd_kv(builder, "errmsg", fmt, args);
		va_end(args);
	}
	return builder->finalize(builder);
}

/*
 * Described in header
 */
void gdoi_vici_add_id(vici_builder_t *b, char *key, identification_t *id)
{
	char buf[BUF_LEN];

	b->add_kv(b, key, "%s", gdoi_group_id_str(id, buf, sizeof(buf)));
}

CALLBACK(load_group, vici_message_t*,
	registry_t *this, char *name, u_int id, vici_message_t *message)
{
	gdoi_role_handler_t *handler, *old_handler;
	gdoi_group_cfg_t *cfg, *old;
	vici_message_t *reply;
	char *error = NULL;

	cfg = gdoi_group_cfg_parse(message, &error);
	if (!cfg)
	{
		DBG1(DBG_CFG, "loading group failed: %s", error);
		reply = create_reply("%s", error);
		free(error);
		return reply;
	}

	this->lock->write_lock(this->lock);
	handler = this->handlers[cfg->role];
	if (!handler)
	{
		reply = create_reply("group '%s': the %N role needs the %s plugin",
							 cfg->name, gdoi_role_names, cfg->role,
							 role_plugins[cfg->role]);
	}
	else if (!handler->load(handler, cfg, &error))
	{
		reply = create_reply("group '%s': %s", cfg->name,
							 error ?: "refused by the role handler");
		free(error);
	}
	else
	{
		old = this->groups->put(this->groups, cfg->name, cfg->get_ref(cfg));
		if (old && old->role != cfg->role)
		{
			old_handler = this->handlers[old->role];
			if (old_handler)
			{
				old_handler->unload(old_handler, old->name);
			}
			DBG1(DBG_CFG, "group %s changed role from %N to %N", cfg->name,
				 gdoi_role_names, old->role, gdoi_role_names, cfg->role);
		}
		DBG1(DBG_CFG, "%s group %s as %N", old ? "replaced" : "added",
			 cfg->name, gdoi_role_names, cfg->role);
		DESTROY_IF(old);
		reply = create_reply(NULL);
	}
	this->lock->unlock(this->lock);

	if (!handler)
	{
		DBG1(DBG_CFG, "loading group %s failed: the %N role needs the %s "
			 "plugin", cfg->name, gdoi_role_names, cfg->role,
			 role_plugins[cfg->role]);
	}
	cfg->destroy(cfg);
	return reply;
}

CALLBACK(unload_group, vici_message_t*,
	registry_t *this, char *name, u_int id, vici_message_t *message)
{
	gdoi_role_handler_t *handler;
	gdoi_group_cfg_t *cfg;
	vici_message_t *reply;

	name = message->get_str(message, NULL, "name");
	if (!name)
	{
		return create_reply("missing group name to unload");
	}

	this->lock->write_lock(this->lock);
	cfg = this->groups->get(this->groups, name);
	if (!cfg)
	{
		reply = create_reply("group '%s' not found", name);
	}
	else
	{
		handler = this->handlers[cfg->role];
		if (handler && !handler->unload(handler, name))
		{
			DBG1(DBG_CFG, "group %s was not loaded by the %N role", name,
				 gdoi_role_names, cfg->role);
		}
		cfg = this->groups->remove(this->groups, name);
		DBG1(DBG_CFG, "unloaded group %s", name);
		cfg->destroy(cfg);
		reply = create_reply(NULL);
	}
	this->lock->unlock(this->lock);

	return reply;
}

CALLBACK(rekey_group, vici_message_t*,
	registry_t *this, char *name, u_int id, vici_message_t *message)
{
	gdoi_role_handler_t *handler;
	gdoi_group_cfg_t *cfg;
	vici_message_t *reply;

	name = message->get_str(message, NULL, "group");
	if (!name)
	{
		return create_reply("missing group name to rekey");
	}

	this->lock->read_lock(this->lock);
	cfg = this->groups->get(this->groups, name);
	handler = cfg ? this->handlers[cfg->role] : NULL;
	if (!cfg)
	{
		reply = create_reply("group '%s' not found", name);
	}
	else if (!handler || !handler->rekey)
	{
		reply = create_reply("group '%s' is not served here, only a key "
							 "server rekeys", name);
	}
	else if (!handler->rekey(handler, name))
	{
		reply = create_reply("rekeying group '%s' failed", name);
	}
	else
	{
		reply = create_reply(NULL);
	}
	this->lock->unlock(this->lock);

	return reply;
}

/**
 * Collect the names of a role's groups, optionally filtered
 */
static linked_list_t *collect_names(gdoi_role_handler_t *handler, char *filter)
{
	enumerator_t *enumerator;
	linked_list_t *names;
	char *name;

	names = linked_list_create();
	enumerator = handler->create_enumerator(handler);
	while (enumerator->enumerate(enumerator, &name))
	{
		if (!filter || streq(name, filter))
		{
			names->insert_last(names, strdup(name));
		}
	}
	enumerator->destroy(enumerator);
	return names;
}

CALLBACK(get_groups, vici_message_t*,
	registry_t *this, char *name, u_int id, vici_message_t *message)
{
	vici_builder_t *b;
	gdoi_role_handler_t *handler;
	gdoi_group_cfg_t *cfg;
	linked_list_t *names;
	gdoi_role_t role;

	b = vici_builder_create();
	this->lock->read_lock(this->lock);
	for (role = 0; role < ROLES; role++)
	{
		handler = this->handlers[role];
		if (!handler)
		{
			continue;
		}
		names = collect_names(handler, NULL);
		while (names->remove_first(names, (void**)&name) == SUCCESS)
		{
			b->begin_section(b, name);
			b->add_kv(b, "role", "%N", gdoi_role_names, role);
			cfg = this->groups->get(this->groups, name);
			if (cfg)
			{
				gdoi_vici_add_id(b, "id", cfg->id);
			}
			b->end_section(b);
			free(name);
		}
		names->destroy(names);
	}
	this->lock->unlock(this->lock);

	return b->finalize(b);
}

CALLBACK(list_groups, vici_message_t*,
	registry_t *this, char *name, u_int id, vici_message_t *message)
{
	vici_builder_t *b;
	gdoi_role_handler_t *handler;
	gdoi_group_cfg_t *cfg;
	linked_list_t *names;
	gdoi_role_t role;
	char *filter;

	filter = message->get_str(message, NULL, "group");

	this->lock->read_lock(this->lock);
	for (role = 0; role < ROLES; role++)
	{
		handler = this->handlers[role];
		if (!handler)
		{
			continue;
		}
		names = collect_names(handler, filter);
		while (names->remove_first(names, (void**)&name) == SUCCESS)
		{
			b = vici_builder_create();
			b->begin_section(b, name);
			cfg = this->groups->get(this->groups, name);
			if (cfg)
			{
				gdoi_vici_add_id(b, "id", cfg->id);
			}
			b->add_kv(b, "role", "%N", gdoi_role_names, role);
			if (cfg && cfg->connection)
			{
				b->add_kv(b, "connection", "%s", cfg->connection);
			}
			handler->list(handler, name, b);
			b->end_section(b);
			this->dispatcher->raise_event(this->dispatcher, "list-group", id,
										  b->finalize(b));
			free(name);
		}
		names->destroy(names);
	}
	this->lock->unlock(this->lock);

	b = vici_builder_create();
	return b->finalize(b);
}

/**
 * (Un-)register the commands and events with the dispatcher
 */
static void manage_commands(vici_dispatcher_t *dispatcher, registry_t *this,
							bool reg)
{
	struct {
		char *name;
		vici_command_cb_t cb;
	} commands[] = {
		{ "load-group",		load_group		},
		{ "unload-group",	unload_group	},
		{ "get-groups",		get_groups		},
		{ "list-groups",	list_groups		},
		{ "rekey-group",	rekey_group		},
	};
	char *events[] = {
		"list-group",
		GDOI_VICI_MEMBER_REGISTERED,
		GDOI_VICI_MEMBER_REFUSED,
		GDOI_VICI_REKEY_SENT,
		GDOI_VICI_REKEY_RECEIVED,
		GDOI_VICI_REKEY_REJECTED,
		GDOI_VICI_REREGISTER,
	};
	int i;

	for (i = 0; i < countof(events); i++)
	{
		dispatcher->manage_event(dispatcher, events[i], reg);
	}
	for (i = 0; i < countof(commands); i++)
	{
		dispatcher->manage_command(dispatcher, commands[i].name,
								   reg ? commands[i].cb : NULL, this);
	}
}

/*
 * Described in header
 */
void gdoi_vici_register(gdoi_role_t role, gdoi_role_handler_t *handler)
{
	vici_dispatcher_t *dispatcher = NULL;

	if (!registry)
	{
		INIT(registry,
			.groups = hashtable_create(hashtable_hash_str,
									   hashtable_equals_str, 8),
			.lock = rwlock_create(RWLOCK_TYPE_DEFAULT),
		);
	}

	registry->lock->write_lock(registry->lock);
	registry->handlers[role] = handler;
	if (!registry->dispatcher)
	{
		registry->dispatcher = dispatcher = lib->get(lib, "vici-dispatcher");
	}
	registry->lock->unlock(registry->lock);

	if (dispatcher)
	{
		manage_commands(dispatcher, registry, TRUE);
		DBG2(DBG_CFG, "registered vici commands for groups");
	}
	else if (!registry->dispatcher)
	{
		DBG1(DBG_CFG, "vici dispatcher not available, groups can't be "
			 "loaded (vici plugin missing?)");
	}
}

/*
 * Described in header
 */
void gdoi_vici_unregister(gdoi_role_t role)
{
	vici_dispatcher_t *dispatcher;
	enumerator_t *enumerator;
	gdoi_group_cfg_t *cfg;
	bool last;

	if (!registry)
	{
		return;
	}

	registry->lock->write_lock(registry->lock);
	registry->handlers[role] = NULL;
	enumerator = registry->groups->create_enumerator(registry->groups);
	while (enumerator->enumerate(enumerator, NULL, &cfg))
	{
		if (cfg->role == role)
		{
			registry->groups->remove_at(registry->groups, enumerator);
			cfg->destroy(cfg);
		}
	}
	enumerator->destroy(enumerator);
	last = !registry->handlers[GDOI_ROLE_SERVER] &&
		   !registry->handlers[GDOI_ROLE_MEMBER];
	dispatcher = registry->dispatcher;
	registry->lock->unlock(registry->lock);

	if (last)
	{
		/* waits for commands in progress, which use the lock */
		if (dispatcher)
		{
			manage_commands(dispatcher, registry, FALSE);
		}
		registry->groups->destroy(registry->groups);
		registry->lock->destroy(registry->lock);
		free(registry);
		registry = NULL;
	}
}

/*
 * Described in header
 */
bool gdoi_vici_has_listeners(char *event)
{
	vici_dispatcher_t *dispatcher;

	dispatcher = lib->get(lib, "vici-dispatcher");
	return dispatcher && dispatcher->has_event_listeners(dispatcher, event);
}

/*
 * Described in header
 */
void gdoi_vici_raise(char *event, vici_message_t *message)
{
	vici_dispatcher_t *dispatcher;

	dispatcher = lib->get(lib, "vici-dispatcher");
	if (dispatcher)
	{
		dispatcher->raise_event(dispatcher, event, 0, message);
	}
	else
	{
		message->destroy(message);
	}
}

/**
 * Add the algorithms of a key set to a listing
 */
static void add_algs(vici_builder_t *b, uint16_t encr, uint16_t keylen,
					 uint16_t integ)
{
	b->add_kv(b, "encr-alg", "%N", encryption_algorithm_names, encr);
	if (keylen)
	{
		b->add_kv(b, "encr-keysize", "%u", keylen);
	}
	if (integ != AUTH_UNDEFINED)
	{
		b->add_kv(b, "integ-alg", "%N", integrity_algorithm_names, integ);
	}
}

/*
 * Described in header
 */
void gdoi_vici_add_keys(vici_builder_t *b, linked_list_t *teks,
						gdoi_kek_t *kek)
{
	enumerator_t *enumerator;
	gdoi_tek_t *tek;
	time_t now = time_monotonic(NULL);
	char spi[9];

	b->begin_section(b, "teks");
	enumerator = teks->create_enumerator(teks);
	while (enumerator->enumerate(enumerator, &tek))
	{
		snprintf(spi, sizeof(spi), "%.8x", ntohl(tek->spi));
		b->begin_section(b, spi);
		b->add_kv(b, "protocol", "ESP");
		add_algs(b, tek->encr_alg, tek->encr_keylen, tek->integ_alg);
		b->add_kv(b, "src-ts", "%R", tek->src);
		b->add_kv(b, "dst-ts", "%R", tek->dst);
		b->add_kv(b, "lifetime", "%u", tek->lifetime);
		b->add_kv(b, "remaining", "%u", tek->get_remaining(tek, now));
		b->end_section(b);
	}
	enumerator->destroy(enumerator);
	b->end_section(b);
	if (kek)
	{
		b->begin_section(b, "kek");
		b->add_kv(b, "spi", "%+B", &(chunk_t){kek->spi, sizeof(kek->spi)});
		add_algs(b, kek->encr_alg, kek->encr_keylen, kek->integ_alg);
		b->add_kv(b, "dst-ts", "%R", kek->dst);
		b->add_kv(b, "lifetime", "%u", kek->lifetime);
		b->add_kv(b, "remaining", "%u", kek->get_remaining(kek, now));
		b->end_section(b);
	}
}
