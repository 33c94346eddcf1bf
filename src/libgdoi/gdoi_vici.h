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
 * @defgroup gdoi_vici gdoi_vici
 * @{ @ingroup libgdoi
 *
 * The vici front-end of swanctl.conf's groups, shared by the role plugins.
 *
 * gdoi-ks and gdoi-gm both link libgdoi, so this registry exists once per
 * process.  Each role plugin registers a handler for its role; the first
 * registration adds the commands below to the vici dispatcher
 * (lib->get(lib, "vici-dispatcher"), the plugins depend on CUSTOM "vici"),
 * the last unregistration removes them again.
 *
 *   load-group { <name> = { id, server = {..} | member = {..} } }
 *       => { success = yes|no, errmsg }
 *       parses the group (gdoi_group_cfg_parse()) and hands it to the
 *       handler of its role; a group that changes its role is unloaded from
 *       the handler of the old one.
 *   unload-group { name } => { success, errmsg }
 *   get-groups { } => { <name> = { role, id } ... }
 *   rekey-group { group } => { success, errmsg }
 *       makes the key server of a group rekey it now (new TEKs), from a
 *       job; refused for groups this node is a member of
 *   list-groups { group = <optional name> } => { }
 *       raises one list-group event per group before the reply:
 *       list-group { <name> = { id, role, connection, <role view> } }
 *
 * The events group-member-registered, group-member-refused,
 * group-rekey-sent, group-rekey-received, group-rekey-rejected and
 * group-reregister are registered for the role plugins to raise with
 * gdoi_vici_raise().
 *
 * Handlers are called with the front-end's lock held: they must not call
 * gdoi_vici_register() or gdoi_vici_unregister() from a handler method.
 */

#ifndef GDOI_VICI_H_
#define GDOI_VICI_H_

#include "gdoi_group_cfg.h"
#include "gdoi_tek.h"
#include "gdoi_kek.h"

#include <vici_builder.h>

/** event raised by the key server when a member registered */
#define GDOI_VICI_MEMBER_REGISTERED "group-member-registered"

/** event raised by the key server when it refused a member */
#define GDOI_VICI_MEMBER_REFUSED "group-member-refused"

/** event raised by the key server when it sent a rekey */
#define GDOI_VICI_REKEY_SENT "group-rekey-sent"

/** event raised by a member when it accepted a rekey */
#define GDOI_VICI_REKEY_RECEIVED "group-rekey-received"

/** event raised by a member when it refused a rekey */
#define GDOI_VICI_REKEY_REJECTED "group-rekey-rejected"

/** event raised by a member when it registers again for want of a rekey */
#define GDOI_VICI_REREGISTER "group-reregister"

typedef struct gdoi_role_handler_t gdoi_role_handler_t;

/**
 * The groups of one role, as implemented by the role's plugin.
 */
struct gdoi_role_handler_t {

	/**
	 * Load a new or changed group (also when unchanged, the handler decides
	 * whether to keep its state, e.g. with cfg->equals()).
	 *
	 * @param cfg		configuration; the handler takes its own reference
	 * @param error		on failure, set to an allocated message, which the
	 *					front-end prefixes with "group '<name>': "
	 * @return			FALSE if refused; the group loaded before under
	 *					that name stays untouched
	 */
	bool (*load)(gdoi_role_handler_t *this, gdoi_group_cfg_t *cfg,
				 char **error);

	/**
	 * Unload a group.
	 *
	 * @param name		name of the group
	 * @return			FALSE if no such group is loaded
	 */
	bool (*unload)(gdoi_role_handler_t *this, char *name);

	/**
	 * Create an enumerator over the names of the loaded groups.
	 *
	 * @return			enumerator over char*
	 */
	enumerator_t *(*create_enumerator)(gdoi_role_handler_t *this);

	/**
	 * Add the role's view of a group inside the group's section of a
	 * list-group event (id, role and connection are added by the front-end).
	 *
	 * @param name		name of the group
	 * @param b			builder, inside the group's section
	 */
	void (*list)(gdoi_role_handler_t *this, char *name, vici_builder_t *b);

	/**
	 * Rekey a group now (optional, the key server role).  Must not block:
	 * the rekey is sent from a job.
	 *
	 * @param name		name of the group
	 * @return			FALSE if no such group is loaded
	 */
	bool (*rekey)(gdoi_role_handler_t *this, char *name);
};

/**
 * Register the handler of a role, and the vici commands with the first one.
 *
 * @param role		role the handler serves
 * @param handler	handler, stays owned by the caller
 */
void gdoi_vici_register(gdoi_role_t role, gdoi_role_handler_t *handler);

/**
 * Unregister the handler of a role, and the vici commands with the last one.
 *
 * @param role		role of the handler to unregister
 */
void gdoi_vici_unregister(gdoi_role_t role);

/**
 * Check whether any vici client listens to an event.
 *
 * @param event		name of the event
 * @return			TRUE if an event would be sent
 */
bool gdoi_vici_has_listeners(char *event);

/**
 * Raise a vici event to all clients registered for it.
 *
 * @param event		name of the event (e.g. GDOI_VICI_MEMBER_REGISTERED)
 * @param message	event message (e.g. from vici_builder_create()),
 *					gets destroyed
 */
void gdoi_vici_raise(char *event, vici_message_t *message);

/**
 * Add an identity to a vici message; GET VPN style group numbers (four
 * octet key IDs) are added as decimal number.
 *
 * @param b			builder
 * @param key		key to add
 * @param id		identity
 */
void gdoi_vici_add_id(vici_builder_t *b, char *key, identification_t *id);

/**
 * Add the keys of a group to a listing, as the key server and the members
 * show them: a "teks" section with one section per SPI, and a "kek"
 * section.
 *
 * @param b			builder, inside the group's section
 * @param teks		TEKs, gdoi_tek_t*
 * @param kek		KEK, NULL if none
 */
void gdoi_vici_add_keys(vici_builder_t *b, linked_list_t *teks,
						gdoi_kek_t *kek);

#endif /** GDOI_VICI_H_ @}*/
