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

#define _GNU_SOURCE
#include <stdio.h>
#include <errno.h>

#include "command.h"

#include <collections/hashtable.h>

typedef struct entry_t entry_t;
typedef struct group_t group_t;

/**
 * A section with key/values, list items joined with ", "
 */
struct entry_t {
	/** name of the section */
	char *name;
	/** char* key => char* value */
	hashtable_t *kv;
};

/**
 * One group of a list-group event
 */
struct group_t {
	/** name, keys and lists of the group */
	entry_t *group;
	/** traffic entries, entry_t */
	linked_list_t *traffic;
	/** registered members, entry_t */
	linked_list_t *members;
	/** TEKs, entry_t */
	linked_list_t *teks;
	/** KEK, if any */
	entry_t *kek;
	/** member: rejected rekeys per reason, if any */
	entry_t *rejected;
	/** member: TEK rollover per traffic, entry_t */
	linked_list_t *rollover;
};

/**
 * A key and its value in an entry
 */
typedef struct {
	/** key, also used as key of the hashtable */
	char *key;
	/** value */
	char *value;
} kv_t;

static entry_t *entry_create(char *name)
{
	entry_t *entry;

	INIT(entry,
		.name = strdup(name),
		.kv = hashtable_create(hashtable_hash_str, hashtable_equals_str, 8),
	);
	return entry;
}

static void entry_destroy(entry_t *entry)
{
	enumerator_t *enumerator;
	kv_t *kv;

	if (entry)
	{
		enumerator = entry->kv->create_enumerator(entry->kv);
		while (enumerator->enumerate(enumerator, NULL, &kv))
		{
			free(kv->key);
			free(kv->value);
			free(kv);
		}
		enumerator->destroy(enumerator);
		entry->kv->destroy(entry->kv);
		free(entry->name);
		free(entry);
	}
}

/**
 * Get a value of an entry, def if not set
 */
static char *get(entry_t *entry, char *key, char *def)
{
	kv_t *kv = NULL;

	if (entry)
	{
		kv = entry->kv->get(entry->kv, key);
	}
	return kv ? kv->value : def;
}

/**
 * Set a value, or append it to a list value
 */
static void set(entry_t *entry, char *key, void *value, int len, bool append)
{
	char *new;
	kv_t *kv;

	kv = entry->kv->get(entry->kv, key);
	if (!kv)
	{
		INIT(kv,
			.key = strdup(key),
		);
		entry->kv->put(entry->kv, kv->key, kv);
	}
	if (append && kv->value)
	{
		if (asprintf(&new, "%s, %.*s", kv->value, len, (char*)value) < 0)
		{
			return;
		}
	}
	else
	{
		new = strndup(value, len);
	}
	free(kv->value);
	kv->value = new;
}

CALLBACK(entry_kv, int,
	entry_t *entry, vici_res_t *res, char *name, void *value, int len)
{
	set(entry, name, value, len, FALSE);
	return 0;
}

CALLBACK(entry_li, int,
	entry_t *entry, vici_res_t *res, char *name, void *value, int len)
{
	set(entry, name, value, len, TRUE);
	return 0;
}

CALLBACK(entries_sn, int,
	linked_list_t *list, vici_res_t *res, char *name)
{
	entry_t *entry;

	entry = entry_create(name);
	list->insert_last(list, entry);
	return vici_parse_cb(res, NULL, entry_kv, entry_li, entry);
}

CALLBACK(group_sn, int,
	group_t *group, vici_res_t *res, char *name)
{
	if (streq(name, "traffic"))
	{
		return vici_parse_cb(res, entries_sn, NULL, NULL, group->traffic);
	}
	if (streq(name, "members"))
	{
		return vici_parse_cb(res, entries_sn, NULL, NULL, group->members);
	}
	if (streq(name, "teks"))
	{
		return vici_parse_cb(res, entries_sn, NULL, NULL, group->teks);
	}
	if (streq(name, "rollover"))
	{
		return vici_parse_cb(res, entries_sn, NULL, NULL, group->rollover);
	}
	if (streq(name, "rekeys-rejected") && !group->rejected)
	{
		group->rejected = entry_create(name);
		return vici_parse_cb(res, NULL, entry_kv, entry_li, group->rejected);
	}
	if (streq(name, "kek") && !group->kek)
	{
		group->kek = entry_create(name);
		return vici_parse_cb(res, NULL, entry_kv, entry_li, group->kek);
	}
	return 0;
}

CALLBACK(group_kv, int,
	group_t *group, vici_res_t *res, char *name, void *value, int len)
{
	set(group->group, name, value, len, FALSE);
	return 0;
}

CALLBACK(group_li, int,
	group_t *group, vici_res_t *res, char *name, void *value, int len)
{
	set(group->group, name, value, len, TRUE);
	return 0;
}

/**
 * Print the group SAs (KEK and TEKs) of a group
 */
static void print_sas(group_t *group)
{
	enumerator_t *enumerator;
	entry_t *tek;

	if (group->kek)
	{
		printf("  kek: spi %s, %s, lifetime %ss, remaining %ss\n",
			   get(group->kek, "spi", "-"),
			   get(group->kek, "encr-alg", "-"),
			   get(group->kek, "lifetime", "-"),
			   get(group->kek, "remaining", "-"));
	}
	if (group->teks->get_count(group->teks))
	{
		printf("  teks:\n");
		enumerator = group->teks->create_enumerator(group->teks);
		while (enumerator->enumerate(enumerator, &tek))
		{
			printf("    %s: %s %s", tek->name, get(tek, "protocol", "ESP"),
				   get(tek, "encr-alg", "-"));
			if (get(tek, "encr-keysize", NULL))
			{
				printf("_%s", get(tek, "encr-keysize", NULL));
			}
			if (get(tek, "integ-alg", NULL))
			{
				printf("/%s", get(tek, "integ-alg", NULL));
			}
			printf(", lifetime %ss, remaining %ss\n",
				   get(tek, "lifetime", "-"), get(tek, "remaining", "-"));
			printf("      %s === %s\n", get(tek, "src-ts", "-"),
				   get(tek, "dst-ts", "-"));
		}
		enumerator->destroy(enumerator);
	}
}

/**
 * Print the key server's view of a group
 */
static void print_server(group_t *group)
{
	enumerator_t *enumerator;
	entry_t *g = group->group, *entry;

	printf("  rekey %s", get(g, "rekey", "-"));
	if (get(g, "rekey-address", NULL))
	{
		printf(" to %s", get(g, "rekey-address", NULL));
	}
	printf(", retransmit %ss x %s\n", get(g, "rekey-retransmit", "-"),
		   get(g, "rekey-retransmits", "-"));
	printf("  tek lifetime %ss, kek lifetime %ss\n",
		   get(g, "tek-lifetime", "-"), get(g, "kek-lifetime", "-"));
	printf("  esp proposals: %s\n", get(g, "esp-proposals", "-"));
	if (get(g, "kek-proposals", NULL))
	{
		printf("  kek proposals: %s\n", get(g, "kek-proposals", NULL));
	}
	if (get(g, "signing-key", NULL))
	{
		printf("  signing key: %s\n", get(g, "signing-key", NULL));
	}
	printf("  traffic:\n");
	enumerator = group->traffic->create_enumerator(group->traffic);
	while (enumerator->enumerate(enumerator, &entry))
	{
		printf("    %s: %s %s === %s\n", entry->name,
			   get(entry, "action", "-"), get(entry, "src-ts", "-"),
			   get(entry, "dst-ts", "-"));
	}
	enumerator->destroy(enumerator);
	if (get(g, "rekeys-sent", NULL))
	{
		printf("  rekeys: %s sent, %s retransmissions, %s acks, %s members "
			   "dropped", get(g, "rekeys-sent", "0"),
			   get(g, "retransmissions", "0"), get(g, "acks", "0"),
			   get(g, "members-dropped", "0"));
		if (get(g, "message-id", NULL))
		{
			printf(", last message id %s", get(g, "message-id", NULL));
		}
		printf("\n  next rekey: tek in %ss, kek in %ss%s\n",
			   get(g, "tek-rekey-in", "-"), get(g, "kek-rekey-in", "-"),
			   get(g, "rekey-pending", NULL) ? ", a rekey pending" : "");
	}
	printf("  members: %s\n", get(g, "member-count", "0"));
	enumerator = group->members->create_enumerator(group->members);
	while (enumerator->enumerate(enumerator, &entry))
	{
		printf("    %s: %s, registered %ss ago", entry->name,
			   get(entry, "address", "-"), get(entry, "registered", "-"));
		if (get(entry, "missed", NULL) && !streq(get(entry, "missed", ""), "0"))
		{
			printf(", missed %s rekeys", get(entry, "missed", NULL));
		}
		printf("\n");
	}
	enumerator->destroy(enumerator);
	print_sas(group);
}

/**
 * Print the member's view of a group
 */
static void print_member(group_t *group)
{
	enumerator_t *enumerator;
	entry_t *g = group->group, *entry;

	printf("  key servers: %s\n", get(g, "key-servers", "-"));
	printf("  state: %s", get(g, "state", "-"));
	if (get(g, "key-server", NULL))
	{
		printf(", registered with %s", get(g, "key-server", NULL));
	}
	if (get(g, "reregister-in", NULL))
	{
		printf(", re-registers in %ss", get(g, "reregister-in", NULL));
	}
	printf("\n");
	if (get(g, "rekey-address", NULL))
	{
		printf("  rekeys to: %s\n", get(g, "rekey-address", NULL));
	}
	printf("  rekeys: %s received, %s duplicates, %s acks sent",
		   get(g, "rekeys-received", "0"), get(g, "duplicates", "0"),
		   get(g, "acks-sent", "0"));
	if (get(g, "last-mid", NULL))
	{
		printf(", last message id %s", get(g, "last-mid", NULL));
	}
	if (get(g, "last-rekey", NULL))
	{
		printf(", last from %s %ss ago", get(g, "last-rekey-from", "-"),
			   get(g, "last-rekey", NULL));
	}
	printf("\n");
	if (group->rejected)
	{
		char *reasons[] = { "malformed", "oversize", "unknown-spi", "replay",
							"decrypt", "signature", "policy" };
		int i;

		printf("  rejected:");
		for (i = 0; i < countof(reasons); i++)
		{
			printf("%s %s %s", i ? "," : "", reasons[i],
				   get(group->rejected, reasons[i], "0"));
		}
		printf("\n");
	}
	enumerator = group->rollover->create_enumerator(group->rollover);
	while (enumerator->enumerate(enumerator, &entry))
	{
		printf("  rollover %s === %s: sending on %s", get(entry, "src-ts", "-"),
			   get(entry, "dst-ts", "-"), get(entry, "current", "-"));
		if (get(entry, "next", NULL))
		{
			printf(", switching to %s in %ss", get(entry, "next", NULL),
				   get(entry, "switch-in", "-"));
		}
		printf("\n");
	}
	enumerator->destroy(enumerator);
	print_sas(group);
}

CALLBACK(list_group, int,
	void *not_used, vici_res_t *res, char *name)
{
	group_t group = {
		.group = entry_create(name),
		.traffic = linked_list_create(),
		.members = linked_list_create(),
		.teks = linked_list_create(),
		.rollover = linked_list_create(),
	};
	char *role;
	int ret;

	ret = vici_parse_cb(res, group_sn, group_kv, group_li, &group);
	if (ret == 0)
	{
		role = get(group.group, "role", "-");
		printf("%s: %s, id %s", name, role, get(group.group, "id", "-"));
		if (get(group.group, "connection", NULL))
		{
			printf(", connection %s", get(group.group, "connection", NULL));
		}
		printf("\n");
		if (streq(role, "server"))
		{
			print_server(&group);
		}
		else if (streq(role, "member"))
		{
			print_member(&group);
		}
	}
	entry_destroy(group.group);
	entry_destroy(group.kek);
	entry_destroy(group.rejected);
	group.rollover->destroy_function(group.rollover, (void*)entry_destroy);
	group.traffic->destroy_function(group.traffic, (void*)entry_destroy);
	group.members->destroy_function(group.members, (void*)entry_destroy);
	group.teks->destroy_function(group.teks, (void*)entry_destroy);
	return ret;
}

CALLBACK(list_cb, void,
	command_format_options_t *format, char *name, vici_res_t *res)
{
	if (*format & COMMAND_FORMAT_RAW)
	{
		vici_dump(res, "list-group event", *format & COMMAND_FORMAT_PRETTY,
				  stdout);
	}
	else if (vici_parse_cb(res, list_group, NULL, NULL, NULL) != 0)
	{
		fprintf(stderr, "parsing group event failed: %s\n", strerror(errno));
	}
}

static int list_groups(vici_conn_t *conn)
{
	vici_req_t *req;
	vici_res_t *res;
	command_format_options_t format = COMMAND_FORMAT_NONE;
	char *arg, *group = NULL;
	int ret;

	while (TRUE)
	{
		switch (command_getopt(&arg))
		{
			case 'h':
				return command_usage(NULL);
			case 'g':
				group = arg;
				continue;
			case 'P':
				format |= COMMAND_FORMAT_PRETTY;
				/* fall through to raw */
			case 'r':
				format |= COMMAND_FORMAT_RAW;
				continue;
			case EOF:
				break;
			default:
				return command_usage("invalid --list-groups option");
		}
		break;
	}
	if (vici_register(conn, "list-group", list_cb, &format) != 0)
	{
		ret = errno;
		fprintf(stderr, "registering for groups failed: %s\n",
				strerror(errno));
		return ret;
	}
	req = vici_begin("list-groups");
	if (group)
	{
		vici_add_key_valuef(req, "group", "%s", group);
	}
	res = vici_submit(req, conn);
	if (!res)
	{
		ret = errno;
		fprintf(stderr, "list-groups request failed: %s\n", strerror(errno));
		return ret;
	}
	if (format & COMMAND_FORMAT_RAW)
	{
		vici_dump(res, "list-groups reply", format & COMMAND_FORMAT_PRETTY,
				  stdout);
	}
	vici_free_res(res);
	return 0;
}

/**
 * Register the command.
 */
static void __attribute__ ((constructor))reg()
{
	command_register((command_t) {
		list_groups, 'G', "list-groups",
		"list loaded groups (group key management)",
		{"[--group <name>] [--raw|--pretty]"},
		{
			{"help",		'h', 0, "show usage information"},
			{"group",		'g', 1, "filter by group name"},
			{"raw",			'r', 0, "dump raw response message"},
			{"pretty",		'P', 0, "dump raw response message in pretty print"},
		}
	});
}
