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
#include <ctype.h>
#include <errno.h>
#include <netdb.h>

#include "gdoi_group_cfg.h"
#include "gdoi_timing.h"

#include <vici_message.h>

ENUM(gdoi_role_names, GDOI_ROLE_SERVER, GDOI_ROLE_MEMBER,
	"server",
	"member",
);

ENUM(gdoi_rekey_transport_names, GDOI_REKEY_UNICAST, GDOI_REKEY_MULTICAST,
	"unicast",
	"multicast",
);

/** default TEK lifetime, GET VPN's 3600 s */
#define DEFAULT_TEK_LIFETIME 3600
/** default KEK lifetime, GET VPN's 86400 s */
#define DEFAULT_KEK_LIFETIME 86400
/** default interval between rekey retransmissions */
#define DEFAULT_REKEY_RETRANSMIT 10
/** default number of rekey retransmissions */
#define DEFAULT_REKEY_RETRANSMITS 2
/** default KEK proposal */
#define DEFAULT_KEK_PROPOSAL "aes256-sha256"
/** key exchange method added to parse KEK proposals as IKE proposals */
#define KEK_PARSE_KE "modp2048"
/** shortest TEK and KEK lifetime a key server accepts */
#define MIN_LIFETIME 300
/** shortest lifetime with charon.plugins.gdoi-ks.test_lifetimes = yes */
#define MIN_TEST_LIFETIME 10
/** option that allows lifetimes down to MIN_TEST_LIFETIME */
#define TEST_LIFETIMES_OPTION "plugins.gdoi-ks.test_lifetimes"

typedef struct private_gdoi_group_cfg_t private_gdoi_group_cfg_t;

/**
 * Private data of a gdoi_group_cfg_t object.
 */
struct private_gdoi_group_cfg_t {

	/**
	 * Public interface.
	 */
	gdoi_group_cfg_t public;

	/**
	 * Reference count
	 */
	refcount_t ref;
};

/**
 * Destroy a traffic entry
 */
static void traffic_destroy(gdoi_traffic_cfg_t *traffic)
{
	DESTROY_IF(traffic->src);
	DESTROY_IF(traffic->dst);
	free(traffic->name);
	free(traffic);
}

/**
 * Destroy a peer
 */
static void peer_destroy(gdoi_peer_cfg_t *peer)
{
	DESTROY_IF(peer->address);
	DESTROY_IF(peer->ts);
	free(peer->name);
	free(peer);
}

METHOD(gdoi_group_cfg_t, get_ref, gdoi_group_cfg_t*,
	private_gdoi_group_cfg_t *this)
{
	ref_get(&this->ref);
	return &this->public;
}

/**
 * Compare two lists of proposals, in order
 */
static bool proposals_equal(linked_list_t *a, linked_list_t *b)
{
	return a->equals_offset(a, b, offsetof(proposal_t, equals));
}

/**
 * Compare two traffic entries, without their names
 */
static bool traffic_equal(gdoi_traffic_cfg_t *a, gdoi_traffic_cfg_t *b)
{
	return a->permit == b->permit &&
		   a->src->equals(a->src, b->src) &&
		   a->dst->equals(a->dst, b->dst);
}

/**
 * Compare two lists of traffic entries, in order
 */
static bool traffic_list_equal(linked_list_t *a, linked_list_t *b)
{
	enumerator_t *ea, *eb;
	gdoi_traffic_cfg_t *ta, *tb;
	bool equal = TRUE;

	if (a->get_count(a) != b->get_count(b))
	{
		return FALSE;
	}
	ea = a->create_enumerator(a);
	eb = b->create_enumerator(b);
	while (ea->enumerate(ea, &ta) && eb->enumerate(eb, &tb))
	{
		if (!traffic_equal(ta, tb))
		{
			equal = FALSE;
			break;
		}
	}
	ea->destroy(ea);
	eb->destroy(eb);
	return equal;
}

/**
 * Compare two optional identities
 */
static bool id_equal(identification_t *a, identification_t *b)
{
	if (a && b)
	{
		return a->equals(a, b);
	}
	return !a && !b;
}

/**
 * Compare two optional hosts
 */
static bool host_equal(host_t *a, host_t *b)
{
	if (a && b)
	{
		return a->ip_equals(a, b);
	}
	return !a && !b;
}

METHOD(gdoi_group_cfg_t, equals, bool,
	private_gdoi_group_cfg_t *this, gdoi_group_cfg_t *other_public)
{
	gdoi_group_cfg_t *a = &this->public, *b = other_public;

	if (a == b)
	{
		return TRUE;
	}
	if (!b || a->role != b->role || !a->id->equals(a->id, b->id))
	{
		return FALSE;
	}
	if (a->role == GDOI_ROLE_MEMBER)
	{
		return TRUE;
	}
	return traffic_list_equal(a->traffic, b->traffic) &&
		   proposals_equal(a->esp_proposals, b->esp_proposals) &&
		   proposals_equal(a->kek_proposals, b->kek_proposals) &&
		   a->tek_lifetime == b->tek_lifetime &&
		   a->kek_lifetime == b->kek_lifetime &&
		   a->rekey == b->rekey &&
		   host_equal(a->rekey_address, b->rekey_address) &&
		   id_equal(a->signing_key, b->signing_key);
}

METHOD(gdoi_group_cfg_t, destroy, void,
	private_gdoi_group_cfg_t *this)
{
	if (ref_put(&this->ref))
	{
		gdoi_group_cfg_t *cfg = &this->public;

		DESTROY_IF(cfg->id);
		DESTROY_IF(cfg->rekey_address);
		DESTROY_IF(cfg->signing_key);
		cfg->members->destroy_offset(cfg->members,
									 offsetof(identification_t, destroy));
		cfg->traffic->destroy_function(cfg->traffic, (void*)traffic_destroy);
		cfg->esp_proposals->destroy_offset(cfg->esp_proposals,
										   offsetof(proposal_t, destroy));
		cfg->kek_proposals->destroy_offset(cfg->kek_proposals,
										   offsetof(proposal_t, destroy));
		cfg->key_servers->destroy_offset(cfg->key_servers,
										 offsetof(host_t, destroy));
		cfg->peers->destroy_function(cfg->peers, (void*)peer_destroy);
		free(cfg->connection);
		free(cfg->name);
		free(this);
	}
}

/**
 * Create an empty configuration with the defaults
 */
static private_gdoi_group_cfg_t *create_empty(char *name)
{
	private_gdoi_group_cfg_t *this;

	INIT(this,
		.public = {
			.name = strdup(name),
			.members = linked_list_create(),
			.traffic = linked_list_create(),
			.esp_proposals = linked_list_create(),
			.kek_proposals = linked_list_create(),
			.key_servers = linked_list_create(),
			.peers = linked_list_create(),
			.get_ref = _get_ref,
			.equals = _equals,
			.destroy = _destroy,
		},
		.ref = 1,
	);
	return this;
}

/*
 * Parsing a load-group request
 */

typedef struct parse_data_t parse_data_t;
typedef struct parse_rule_t parse_rule_t;

/**
 * State while parsing a group
 */
struct parse_data_t {

	/** configuration being built */
	private_gdoi_group_cfg_t *cfg;

	/** where we are below the group ("server", "server.traffic.x"), or "" */
	char *where;

	/** rules of the current section */
	parse_rule_t *rules;

	/** number of rules */
	int count;

	/** whether the server resp. member section was seen */
	bool server, member;

	/** whether rekey was given explicitly */
	bool rekey_set;

	/** error message, if any */
	char *error;
};

/**
 * Parser of a value, for one key
 */
typedef bool (*value_parser_t)(void *out, chunk_t v);

/**
 * Key of a section and its parser
 */
struct parse_rule_t {
	/** name of the key */
	char *name;
	/** parser of the value */
	value_parser_t parse;
	/** where to store it */
	void *out;
	/** whether the key takes a list */
	bool list;
	/** set if the key was given */
	bool *seen;
};

/**
 * Set an error message naming the group unless one was set
 */
static bool set_error(parse_data_t *data, char *fmt, ...)
{
	char buf[512];
	va_list args;

	if (!data->error)
	{
		va_start(args, fmt);
		vsnprintf(buf, sizeof(buf), fmt, args);
		va_end(args);
		if (asprintf(&data->error, "group '%s': %s%s%s", data->cfg->public.name,
					 buf, *data->where ? " in " : "", data->where) < 0)
		{
			data->error = NULL;
		}
	}
	return FALSE;
}

/**
 * Set the error for a value that does not parse
 */
static bool invalid_value(parse_data_t *data, char *key, chunk_t v)
{
	char buf[128];

	if (!vici_stringify(v, buf, sizeof(buf)))
	{
		snprintf(buf, sizeof(buf), "(%zu octets, not printable)", v.len);
	}
	return set_error(data, "invalid value '%s' for option '%s'", buf, key);
}

CALLBACK(parse_string, bool,
	char **out, chunk_t v)
{
	if (!v.len || !chunk_printable(v, NULL, ' '))
	{
		return FALSE;
	}
	free(*out);
	*out = strndup(v.ptr, v.len);
	return TRUE;
}

CALLBACK(parse_bool, bool,
	bool *out, chunk_t v)
{
	char buf[16];
	char *yes[] = { "yes", "true", "enabled", "1" };
	char *no[] = { "no", "false", "disabled", "0" };
	int i;

	if (!vici_stringify(v, buf, sizeof(buf)))
	{
		return FALSE;
	}
	for (i = 0; i < countof(yes); i++)
	{
		if (strcaseeq(buf, yes[i]) || strcaseeq(buf, no[i]))
		{
			*out = strcaseeq(buf, yes[i]);
			return TRUE;
		}
	}
	return FALSE;
}

/**
 * Parse an unsigned decimal number, digits only
 */
static bool parse_number(char *buf, uint64_t max, uint64_t *out, char **end)
{
	unsigned long long l;

	if (!isdigit(*buf))
	{
		return FALSE;
	}
	errno = 0;
	l = strtoull(buf, end, 10);
	if (errno || l > max)
	{
		return FALSE;
	}
	*out = l;
	return TRUE;
}

CALLBACK(parse_uint32, bool,
	uint32_t *out, chunk_t v)
{
	char buf[16], *end;
	uint64_t l;

	if (!vici_stringify(v, buf, sizeof(buf)) ||
		!parse_number(buf, UINT32_MAX, &l, &end) || *end)
	{
		return FALSE;
	}
	*out = l;
	return TRUE;
}

/**
 * Parse a time in seconds with an optional unit (s, m, h, d), more than 0
 */
CALLBACK(parse_time, bool,
	uint32_t *out, chunk_t v)
{
	char buf[32], *end;
	uint64_t l;

	if (!vici_stringify(v, buf, sizeof(buf)) ||
		!parse_number(buf, UINT32_MAX, &l, &end))
	{
		return FALSE;
	}
	while (*end == ' ')
	{
		end++;
	}
	switch (*end)
	{
		case 'd':
		case 'D':
			l *= 24;
			/* fall */
		case 'h':
		case 'H':
			l *= 60;
			/* fall */
		case 'm':
		case 'M':
			l *= 60;
			/* fall */
		case 's':
		case 'S':
			end++;
			break;
		case '\0':
			break;
		default:
			return FALSE;
	}
	if (*end || l == 0 || l > UINT32_MAX)
	{
		return FALSE;
	}
	*out = l;
	return TRUE;
}

/**
 * Parse an identity; a plain decimal number becomes a four octet key ID
 */
static identification_t *parse_identity(chunk_t v)
{
	char buf[BUF_LEN], *end;
	uint32_t number;
	uint64_t l;

	if (!vici_stringify(v, buf, sizeof(buf)) || !*buf)
	{
		return NULL;
	}
	if (isdigit(*buf) && strspn(buf, "0123456789") == strlen(buf))
	{
		if (!parse_number(buf, UINT32_MAX, &l, &end) || *end)
		{
			return NULL;
		}
		number = htonl(l);
		return identification_create_from_encoding(ID_KEY_ID,
												   chunk_from_thing(number));
	}
	return identification_create_from_string(buf);
}

CALLBACK(parse_id, bool,
	identification_t **out, chunk_t v)
{
	identification_t *id;

	id = parse_identity(v);
	if (!id)
	{
		return FALSE;
	}
	DESTROY_IF(*out);
	*out = id;
	return TRUE;
}

CALLBACK(parse_id_list, bool,
	linked_list_t *out, chunk_t v)
{
	identification_t *id;

	id = parse_identity(v);
	if (!id)
	{
		return FALSE;
	}
	out->insert_last(out, id);
	return TRUE;
}

/**
 * Parse an IP address (no DNS names)
 */
static host_t *parse_address(chunk_t v)
{
	char buf[64];

	if (!vici_stringify(v, buf, sizeof(buf)) || !*buf)
	{
		return NULL;
	}
	return host_create_from_string(buf, 0);
}

CALLBACK(parse_host_list, bool,
	linked_list_t *out, chunk_t v)
{
	host_t *host;

	host = parse_address(v);
	if (!host || host->is_anyaddr(host))
	{
		DESTROY_IF(host);
		return FALSE;
	}
	out->insert_last(out, host);
	return TRUE;
}

CALLBACK(parse_multicast, bool,
	host_t **out, chunk_t v)
{
	host_t *host;
	chunk_t addr;
	bool multicast;

	host = parse_address(v);
	if (!host)
	{
		return FALSE;
	}
	addr = host->get_address(host);
	if (host->get_family(host) == AF_INET)
	{
		multicast = (addr.ptr[0] & 0xf0) == 0xe0;
	}
	else
	{
		multicast = addr.ptr[0] == 0xff;
	}
	if (!multicast)
	{
		host->destroy(host);
		return FALSE;
	}
	DESTROY_IF(*out);
	*out = host;
	return TRUE;
}

/**
 * Check whether a proposal contains key exchange methods
 */
static int count_ke(proposal_t *proposal)
{
	enumerator_t *enumerator;
	int count = 0;
	uint16_t alg;

	enumerator = proposal->create_enumerator(proposal, KEY_EXCHANGE_METHOD);
	while (enumerator->enumerate(enumerator, &alg, NULL))
	{
		count++;
	}
	enumerator->destroy(enumerator);
	return count;
}

CALLBACK(parse_esp_proposal, bool,
	linked_list_t *out, chunk_t v)
{
	char buf[BUF_LEN];
	proposal_t *proposal;

	if (!vici_stringify(v, buf, sizeof(buf)))
	{
		return FALSE;
	}
	proposal = proposal_create_from_string(PROTO_ESP, buf);
	if (!proposal)
	{
		return FALSE;
	}
	if (count_ke(proposal))
	{	/* group SAs have no key exchange of their own */
		DBG1(DBG_CFG, "key exchange methods make no sense for group SAs");
		proposal->destroy(proposal);
		return FALSE;
	}
	out->insert_last(out, proposal);
	return TRUE;
}

/**
 * Parse a KEK proposal: an IKE proposal without key exchange method
 */
static proposal_t *create_kek_proposal(char *str)
{
	char buf[BUF_LEN];
	proposal_t *proposal, *kek;

	/* proposal_create_from_string() insists on a KE method in IKE proposals,
	 * add one and remove it again */
	if (snprintf(buf, sizeof(buf), "%s-%s", str, KEK_PARSE_KE) >= sizeof(buf))
	{
		return NULL;
	}
	proposal = proposal_create_from_string(PROTO_IKE, buf);
	if (!proposal)
	{
		return NULL;
	}
	if (count_ke(proposal) != 1)
	{
		DBG1(DBG_CFG, "key exchange methods make no sense for the KEK");
		proposal->destroy(proposal);
		return NULL;
	}
	kek = proposal->clone(proposal, PROPOSAL_SKIP_KE);
	proposal->destroy(proposal);
	return kek;
}

CALLBACK(parse_kek_proposal, bool,
	linked_list_t *out, chunk_t v)
{
	char buf[BUF_LEN];
	proposal_t *proposal;

	if (!vici_stringify(v, buf, sizeof(buf)))
	{
		return FALSE;
	}
	proposal = create_kek_proposal(buf);
	if (!proposal)
	{
		return FALSE;
	}
	out->insert_last(out, proposal);
	return TRUE;
}

CALLBACK(parse_rekey, bool,
	gdoi_rekey_transport_t *out, chunk_t v)
{
	char buf[16];

	if (!vici_stringify(v, buf, sizeof(buf)))
	{
		return FALSE;
	}
	if (strcaseeq(buf, "unicast"))
	{
		*out = GDOI_REKEY_UNICAST;
		return TRUE;
	}
	if (strcaseeq(buf, "multicast"))
	{
		*out = GDOI_REKEY_MULTICAST;
		return TRUE;
	}
	return FALSE;
}

CALLBACK(parse_action, bool,
	bool *out, chunk_t v)
{
	char buf[16];

	if (!vici_stringify(v, buf, sizeof(buf)))
	{
		return FALSE;
	}
	if (strcaseeq(buf, "permit"))
	{
		*out = TRUE;
		return TRUE;
	}
	if (strcaseeq(buf, "deny"))
	{
		*out = FALSE;
		return TRUE;
	}
	return FALSE;
}

/**
 * Parse a traffic selector in swanctl's local_ts syntax, as parse_ts() in
 * vici_config.c does, but without "dynamic": group policy is explicit.
 */
static traffic_selector_t *parse_ts_str(char *buf)
{
	char *protoport, *sep, *port = "", *end;
	traffic_selector_t *ts = NULL;
	struct protoent *protoent;
	struct servent *svc;
	long int p;
	uint16_t from = 0, to = 0xffff;
	uint8_t proto = 0;

	protoport = strchr(buf, '[');
	if (protoport)
	{
		*(protoport++) = '\0';

		sep = strrchr(protoport, ']');
		if (!sep || sep[1])
		{
			return NULL;
		}
		*sep = '\0';

		sep = strchr(protoport, '/');
		if (sep)
		{	/* protocol/port */
			*sep = '\0';
			port = sep + 1;
		}

		if (streq(protoport, "any"))
		{
			proto = 0;
		}
		else
		{
			protoent = getprotobyname(protoport);
			if (protoent)
			{
				proto = protoent->p_proto;
			}
			else
			{
				p = strtol(protoport, &end, 0);
				if (!*protoport || *end || p < 0 || p > 0xff)
				{
					return NULL;
				}
				proto = (uint8_t)p;
			}
		}
		if (streq(port, "opaque"))
		{
			from = 0xffff;
			to = 0;
		}
		else if (*port && !streq(port, "any"))
		{
			svc = getservbyname(port, NULL);
			if (svc)
			{
				from = to = ntohs(svc->s_port);
			}
			else
			{
				p = strtol(port, &end, 0);
				if (p < 0 || p > 0xffff)
				{
					return NULL;
				}
				from = p;
				if (*end == '-')
				{
					port = end + 1;
					p = strtol(port, &end, 0);
					if (p < 0 || p > 0xffff)
					{
						return NULL;
					}
				}
				to = p;
				if (*end)
				{
					return NULL;
				}
			}
		}
	}
	if (strchr(buf, '-'))
	{
		host_t *lower, *upper;
		ts_type_t type;

		if (host_create_from_range(buf, &lower, &upper))
		{
			type = (lower->get_family(lower) == AF_INET) ?
								TS_IPV4_ADDR_RANGE : TS_IPV6_ADDR_RANGE;
			ts = traffic_selector_create_from_bytes(proto, type,
								lower->get_address(lower), from,
								upper->get_address(upper), to);
			lower->destroy(lower);
			upper->destroy(upper);
		}
	}
	else
	{
		ts = traffic_selector_create_from_cidr(buf, proto, from, to);
	}
	return ts;
}

CALLBACK(parse_ts, bool,
	traffic_selector_t **out, chunk_t v)
{
	char buf[BUF_LEN];
	traffic_selector_t *ts;

	if (*out)
	{	/* one traffic selector per entry, as one line of an ACL */
		return FALSE;
	}
	if (!vici_stringify(v, buf, sizeof(buf)))
	{
		return FALSE;
	}
	ts = parse_ts_str(buf);
	if (!ts)
	{
		return FALSE;
	}
	*out = ts;
	return TRUE;
}

/**
 * Parse a key/value or list item with the rules of the current section
 */
static bool parse_value(parse_data_t *data, char *key, chunk_t v, bool list)
{
	parse_rule_t *rule;
	int i;

	for (i = 0; i < data->count; i++)
	{
		rule = &data->rules[i];
		if (streq(key, rule->name))
		{
			if (list && !rule->list)
			{
				return set_error(data, "option '%s' takes a single value",
								 key);
			}
			if (!rule->parse(rule->out, v))
			{
				return invalid_value(data, key, v);
			}
			if (rule->seen)
			{
				*rule->seen = TRUE;
			}
			return TRUE;
		}
	}
	return set_error(data, "unknown option '%s'", key);
}

CALLBACK(rules_kv, bool,
	parse_data_t *data, vici_message_t *message, char *name, chunk_t value)
{
	return parse_value(data, name, value, FALSE);
}

CALLBACK(rules_li, bool,
	parse_data_t *data, vici_message_t *message, char *name, chunk_t value)
{
	return parse_value(data, name, value, TRUE);
}

CALLBACK(no_section, bool,
	parse_data_t *data, vici_message_t *message, vici_parse_context_t *ctx,
	char *name)
{
	return set_error(data, "unknown section '%s'", name);
}

CALLBACK(no_value, bool,
	parse_data_t *data, vici_message_t *message, char *name, chunk_t value)
{
	return set_error(data, "unknown option '%s'", name);
}

/**
 * Parse a section with the given rules and section callback
 */
static bool parse_section(parse_data_t *data, vici_message_t *message,
						  vici_parse_context_t *ctx, char *where,
						  parse_rule_t *rules, int count,
						  vici_section_cb_t section)
{
	parse_rule_t *prev_rules = data->rules;
	char *prev_where = data->where;
	int prev_count = data->count;
	bool ok;

	data->where = where;
	data->rules = rules;
	data->count = count;
	ok = message->parse(message, ctx, section ?: (void*)no_section,
						rules_kv, rules_li, data);
	data->where = prev_where;
	data->rules = prev_rules;
	data->count = prev_count;
	return ok;
}

CALLBACK(traffic_entry_sn, bool,
	parse_data_t *data, vici_message_t *message, vici_parse_context_t *ctx,
	char *name)
{
	gdoi_traffic_cfg_t *traffic, *other;
	enumerator_t *enumerator;
	char where[256];
	bool ok;

	INIT(traffic,
		.name = strdup(name),
		.permit = TRUE,
	);
	parse_rule_t rules[] = {
		{ "src_ts",		parse_ts,		&traffic->src,		TRUE	},
		{ "dst_ts",		parse_ts,		&traffic->dst,		TRUE	},
		{ "action",		parse_action,	&traffic->permit,	FALSE	},
	};

	enumerator = data->cfg->public.traffic->create_enumerator(
												data->cfg->public.traffic);
	while (enumerator->enumerate(enumerator, &other))
	{
		if (streq(other->name, name))
		{
			enumerator->destroy(enumerator);
			traffic_destroy(traffic);
			return set_error(data, "duplicate traffic entry '%s'", name);
		}
	}
	enumerator->destroy(enumerator);

	snprintf(where, sizeof(where), "server.traffic.%s", name);
	ok = parse_section(data, message, ctx, where, rules, countof(rules), NULL);
	if (ok && (!traffic->src || !traffic->dst))
	{
		data->where = where;
		ok = set_error(data, "missing option '%s'",
					   traffic->src ? "dst_ts" : "src_ts");
		data->where = "";
	}
	if (ok && traffic->src->get_type(traffic->src) !=
			  traffic->dst->get_type(traffic->dst))
	{
		data->where = where;
		ok = set_error(data, "src_ts %R and dst_ts %R are of different "
					   "address families", traffic->src, traffic->dst);
		data->where = "";
	}
	if (!ok)
	{
		traffic_destroy(traffic);
		return FALSE;
	}
	data->cfg->public.traffic->insert_last(data->cfg->public.traffic, traffic);
	return TRUE;
}

CALLBACK(traffic_sn, bool,
	parse_data_t *data, vici_message_t *message, vici_parse_context_t *ctx,
	char *name)
{
	char *prev = data->where;
	bool ok;

	data->where = "server.traffic";
	ok = message->parse(message, ctx, traffic_entry_sn, no_value, no_value,
						data);
	data->where = prev;
	return ok;
}

CALLBACK(server_sn, bool,
	parse_data_t *data, vici_message_t *message, vici_parse_context_t *ctx,
	char *name)
{
	if (!streq(name, "traffic"))
	{
		return set_error(data, "unknown section '%s'", name);
	}
	return traffic_sn(data, message, ctx, name);
}

/**
 * Parse the server section
 */
static bool parse_server(parse_data_t *data, vici_message_t *message,
						 vici_parse_context_t *ctx)
{
	gdoi_group_cfg_t *cfg = &data->cfg->public;
	parse_rule_t rules[] = {
		{ "connection",		parse_string,	&cfg->connection,	FALSE	},
		{ "members",		parse_id_list,	cfg->members,		TRUE	},
		{ "esp_proposals",	parse_esp_proposal,	cfg->esp_proposals,	TRUE },
		{ "kek_proposals",	parse_kek_proposal,	cfg->kek_proposals,	TRUE },
		{ "tek_lifetime",	parse_time,		&cfg->tek_lifetime,	FALSE	},
		{ "kek_lifetime",	parse_time,		&cfg->kek_lifetime,	FALSE	},
		{ "rekey",			parse_rekey,	&cfg->rekey,		FALSE,
							&data->rekey_set },
		{ "rekey_address",	parse_multicast, &cfg->rekey_address, FALSE	},
		{ "rekey_retransmit", parse_time,	&cfg->rekey_retransmit, FALSE },
		{ "rekey_retransmits", parse_uint32, &cfg->rekey_retransmits, FALSE },
		{ "tek_rekey_lead", parse_time,	&cfg->tek_rekey_lead,	FALSE	},
		{ "kek_rekey_lead", parse_time,	&cfg->kek_rekey_lead,	FALSE	},
		{ "signing_key",	parse_id,		&cfg->signing_key,	FALSE	},
		{ "close_ike_sa",	parse_bool,		&cfg->close_ike_sa,	FALSE	},
	};

	cfg->role = GDOI_ROLE_SERVER;
	cfg->tek_lifetime = DEFAULT_TEK_LIFETIME;
	cfg->kek_lifetime = DEFAULT_KEK_LIFETIME;
	cfg->rekey_retransmit = DEFAULT_REKEY_RETRANSMIT;
	cfg->rekey_retransmits = DEFAULT_REKEY_RETRANSMITS;
	cfg->tek_rekey_lead = GDOI_TEK_REKEY_LEAD;
	cfg->kek_rekey_lead = GDOI_KEK_REKEY_LEAD;
	cfg->close_ike_sa = TRUE;

	return parse_section(data, message, ctx, "server", rules, countof(rules),
						 server_sn);
}

CALLBACK(parse_host, bool,
	host_t **out, chunk_t v)
{
	host_t *host;

	host = parse_address(v);
	if (!host || host->is_anyaddr(host))
	{
		DESTROY_IF(host);
		return FALSE;
	}
	DESTROY_IF(*out);
	*out = host;
	return TRUE;
}

CALLBACK(peer_entry_sn, bool,
	parse_data_t *data, vici_message_t *message, vici_parse_context_t *ctx,
	char *name)
{
	gdoi_peer_cfg_t *peer, *other;
	enumerator_t *enumerator;
	char where[256];
	bool ok;

	INIT(peer,
		.name = strdup(name),
	);
	parse_rule_t rules[] = {
		{ "address",	parse_host,	&peer->address,		FALSE	},
		{ "remote_ts",	parse_ts,	&peer->ts,			TRUE	},
	};

	enumerator = data->cfg->public.peers->create_enumerator(
												data->cfg->public.peers);
	while (enumerator->enumerate(enumerator, &other))
	{
		if (streq(other->name, name))
		{
			enumerator->destroy(enumerator);
			peer_destroy(peer);
			return set_error(data, "duplicate peer '%s'", name);
		}
	}
	enumerator->destroy(enumerator);

	snprintf(where, sizeof(where), "member.peers.%s", name);
	ok = parse_section(data, message, ctx, where, rules, countof(rules), NULL);
	if (ok && (!peer->address || !peer->ts))
	{
		data->where = where;
		ok = set_error(data, "missing option '%s'",
					   peer->address ? "remote_ts" : "address");
		data->where = "";
	}
	if (!ok)
	{
		peer_destroy(peer);
		return FALSE;
	}
	data->cfg->public.peers->insert_last(data->cfg->public.peers, peer);
	return TRUE;
}

CALLBACK(member_sn, bool,
	parse_data_t *data, vici_message_t *message, vici_parse_context_t *ctx,
	char *name)
{
	char *prev = data->where;
	bool ok;

	if (!streq(name, "peers"))
	{
		return set_error(data, "unknown section '%s'", name);
	}
	data->where = "member.peers";
	ok = message->parse(message, ctx, peer_entry_sn, no_value, no_value,
						data);
	data->where = prev;
	return ok;
}

/**
 * Parse the member section
 */
static bool parse_member(parse_data_t *data, vici_message_t *message,
						 vici_parse_context_t *ctx)
{
	gdoi_group_cfg_t *cfg = &data->cfg->public;
	parse_rule_t rules[] = {
		{ "connection",		parse_string,	&cfg->connection,	FALSE	},
		{ "key_servers",	parse_host_list, cfg->key_servers,	TRUE	},
	};

	cfg->role = GDOI_ROLE_MEMBER;

	return parse_section(data, message, ctx, "member", rules, countof(rules),
						 member_sn);
}

CALLBACK(group_sn, bool,
	parse_data_t *data, vici_message_t *message, vici_parse_context_t *ctx,
	char *name)
{
	if (streq(name, "server") || streq(name, "member"))
	{
		if (data->server || data->member)
		{
			return set_error(data, "needs exactly one of the sections server "
							 "and member");
		}
		if (streq(name, "server"))
		{
			data->server = TRUE;
			return parse_server(data, message, ctx);
		}
		data->member = TRUE;
		return parse_member(data, message, ctx);
	}
	return set_error(data, "unknown section '%s'", name);
}

/**
 * Check a lifetime of the key server against the shortest one allowed:
 * MIN_LIFETIME, or MIN_TEST_LIFETIME for tests (members accept what the
 * key server sends, so only the key server checks)
 */
static bool check_lifetime(parse_data_t *data, char *key, uint32_t lifetime)
{
	bool test;

	test = lib->settings->get_bool(lib->settings, "%s." TEST_LIFETIMES_OPTION,
								   FALSE, lib->ns);
	if (!test && lifetime < MIN_LIFETIME)
	{
		return set_error(data, "%s %us is less than %us (%s."
						 TEST_LIFETIMES_OPTION " = yes allows down to %us "
						 "for tests)", key, lifetime, MIN_LIFETIME, lib->ns,
						 MIN_TEST_LIFETIME);
	}
	if (test && lifetime < MIN_TEST_LIFETIME)
	{
		return set_error(data, "%s %us is less than %us, the shortest with "
						 "%s." TEST_LIFETIMES_OPTION " = yes", key, lifetime,
						 MIN_TEST_LIFETIME, lib->ns);
	}
	return TRUE;
}

/**
 * Check a server configuration and complete it with defaults
 */
static bool check_server(parse_data_t *data)
{
	gdoi_group_cfg_t *cfg = &data->cfg->public;
	gdoi_traffic_cfg_t *traffic;
	enumerator_t *enumerator;
	proposal_t *proposal;
	bool permit = FALSE;

	data->where = "server";
	if (!cfg->connection)
	{
		return set_error(data, "missing option 'connection'");
	}
	if (!cfg->esp_proposals->get_count(cfg->esp_proposals))
	{
		return set_error(data, "missing option 'esp_proposals'");
	}
	enumerator = cfg->traffic->create_enumerator(cfg->traffic);
	while (enumerator->enumerate(enumerator, &traffic))
	{
		permit |= traffic->permit;
	}
	enumerator->destroy(enumerator);
	if (!permit)
	{
		return set_error(data, "no traffic entry with action = permit");
	}
	if (!data->rekey_set)
	{
		cfg->rekey = cfg->rekey_address ? GDOI_REKEY_MULTICAST
										: GDOI_REKEY_UNICAST;
	}
	if (cfg->rekey == GDOI_REKEY_MULTICAST && !cfg->rekey_address)
	{
		return set_error(data, "rekey = multicast requires option "
						 "'rekey_address'");
	}
	if (cfg->rekey == GDOI_REKEY_UNICAST && cfg->rekey_address)
	{
		return set_error(data, "option 'rekey_address' requires rekey = "
						 "multicast");
	}
	if (!cfg->kek_proposals->get_count(cfg->kek_proposals))
	{
		proposal = create_kek_proposal(DEFAULT_KEK_PROPOSAL);
		if (!proposal)
		{
			return set_error(data, "default kek_proposals %s not supported",
							 DEFAULT_KEK_PROPOSAL);
		}
		cfg->kek_proposals->insert_last(cfg->kek_proposals, proposal);
	}
	if (!check_lifetime(data, "tek_lifetime", cfg->tek_lifetime) ||
		!check_lifetime(data, "kek_lifetime", cfg->kek_lifetime))
	{
		return FALSE;
	}
	if ((uint64_t)cfg->kek_lifetime < 2 * (uint64_t)cfg->tek_lifetime)
	{
		DBG1(DBG_CFG, "group '%s': kek_lifetime %us is less than twice the "
			 "tek_lifetime %us, which GET VPN recommends", cfg->name,
			 cfg->kek_lifetime, cfg->tek_lifetime);
	}
	data->where = "";
	return TRUE;
}

/**
 * Check a member configuration
 */
static bool check_member(parse_data_t *data)
{
	gdoi_group_cfg_t *cfg = &data->cfg->public;

	data->where = "member";
	if (!cfg->connection)
	{
		return set_error(data, "missing option 'connection'");
	}
	if (!cfg->key_servers->get_count(cfg->key_servers))
	{
		return set_error(data, "missing option 'key_servers'");
	}
	data->where = "";
	return TRUE;
}

CALLBACK(root_sn, bool,
	parse_data_t *data, vici_message_t *message, vici_parse_context_t *ctx,
	char *name)
{
	parse_rule_t rules[] = {
		{ "id",		parse_id,	NULL,	FALSE	},
	};

	if (data->cfg)
	{
		data->error = strdup("load-group takes exactly one group");
		return FALSE;
	}
	data->cfg = create_empty(name);
	rules[0].out = &data->cfg->public.id;

	if (!parse_section(data, message, ctx, "", rules, countof(rules),
					   group_sn))
	{
		return FALSE;
	}
	if (!data->cfg->public.id)
	{
		return set_error(data, "missing option 'id'");
	}
	if (!data->server && !data->member)
	{
		return set_error(data, "needs exactly one of the sections server "
						 "and member");
	}
	return data->server ? check_server(data) : check_member(data);
}

CALLBACK(root_value, bool,
	parse_data_t *data, vici_message_t *message, char *name, chunk_t value)
{
	if (asprintf(&data->error, "unexpected option '%s' outside of a group",
				 name) < 0)
	{
		data->error = NULL;
	}
	return FALSE;
}

/*
 * Described in header
 */
gdoi_group_cfg_t *gdoi_group_cfg_parse(vici_message_t *message, char **error)
{
	parse_data_t data = {
		.where = "",
	};

	if (message->parse(message, NULL, root_sn, root_value, root_value,
					   &data) && data.cfg)
	{
		return &data.cfg->public;
	}
	if (!data.error)
	{
		data.error = strdup(data.cfg ? "parsing the group failed"
									 : "no group to load");
	}
	if (data.cfg)
	{
		destroy(data.cfg);
	}
	*error = data.error;
	return NULL;
}

/*
 * Described in header
 */
char *gdoi_group_id_str(identification_t *id, char *buf, size_t len)
{
	chunk_t encoding;

	encoding = id->get_encoding(id);
	if (id->get_type(id) == ID_KEY_ID && encoding.len == sizeof(uint32_t))
	{
		snprintf(buf, len, "%u", untoh32(encoding.ptr));
	}
	else
	{
		snprintf(buf, len, "%Y", id);
	}
	return buf;
}
