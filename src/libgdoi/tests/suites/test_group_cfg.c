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

#include <test_suite.h>

#include <gdoi_group_cfg.h>
#include <vici_builder.h>

/**
 * Build a load-group request from a compact description: "name{" opens a
 * section, "}" closes it, "key=value" adds a key/value and "key=[a,b]" a
 * list, separated by blanks.
 */
static vici_message_t *build(char *desc)
{
	vici_builder_t *b;
	char *copy, *token, *save = NULL, *value, *item, *isave = NULL;

	b = vici_builder_create();
	copy = strdup(desc);
	for (token = strtok_r(copy, " \n\t", &save); token;
		 token = strtok_r(NULL, " \n\t", &save))
	{
		if (streq(token, "}"))
		{
			b->end_section(b);
			continue;
		}
		if (token[strlen(token) - 1] == '{')
		{
			token[strlen(token) - 1] = '\0';
			b->begin_section(b, token);
			continue;
		}
		value = strchr(token, '=');
		ck_assert_msg(value, "bad token '%s'", token);
		*value++ = '\0';
		if (*value == '[' && value[strlen(value) - 1] == ']')
		{
			value[strlen(value) - 1] = '\0';
			b->begin_list(b, token);
			for (item = strtok_r(value + 1, ",", &isave); item;
				 item = strtok_r(NULL, ",", &isave))
			{
				b->add_li(b, "%s", item);
			}
			b->end_list(b);
			continue;
		}
		b->add_kv(b, token, "%s", value);
	}
	free(copy);
	return b->finalize(b);
}

/**
 * Parse a description, which must succeed
 */
static gdoi_group_cfg_t *parse(char *desc)
{
	vici_message_t *message;
	gdoi_group_cfg_t *cfg;
	char *error = NULL;

	message = build(desc);
	cfg = gdoi_group_cfg_parse(message, &error);
	message->destroy(message);
	ck_assert_msg(cfg, "parsing failed: %s", error);
	return cfg;
}

/**
 * Parse a description, which must fail, and return the error
 */
static char *parse_error(char *desc)
{
	vici_message_t *message;
	gdoi_group_cfg_t *cfg;
	char *error = NULL;

	message = build(desc);
	cfg = gdoi_group_cfg_parse(message, &error);
	message->destroy(message);
	if (cfg)
	{
		cfg->destroy(cfg);
		ck_assert_msg(FALSE, "accepted '%s'", desc);
	}
	ck_assert(error);
	return error;
}

/**
 * Get the item at a position of a list
 */
static void *get_at(linked_list_t *list, int pos)
{
	enumerator_t *enumerator;
	void *item = NULL, *current;
	int i = 0;

	enumerator = list->create_enumerator(list);
	while (enumerator->enumerate(enumerator, &current))
	{
		if (i++ == pos)
		{
			item = current;
			break;
		}
	}
	enumerator->destroy(enumerator);
	ck_assert(item);
	return item;
}

/**
 * Check a traffic selector against its string form
 */
static void assert_ts(traffic_selector_t *ts, char *expected)
{
	char buf[128];

	snprintf(buf, sizeof(buf), "%R", ts);
	ck_assert_str_eq(buf, expected);
}

/**
 * Check an identity against its string form
 */
static void assert_id(identification_t *id, char *expected)
{
	char buf[128];

	ck_assert(id);
	snprintf(buf, sizeof(buf), "%Y", id);
	ck_assert_str_eq(buf, expected);
}

/**
 * Check the proposal at a position of a list against its string form
 */
static void assert_proposal(linked_list_t *list, int pos, char *expected)
{
	proposal_t *proposal;
	char buf[256];

	proposal = get_at(list, pos);
	snprintf(buf, sizeof(buf), "%P", proposal);
	ck_assert_str_eq(buf, expected);
}

#define FULL_SERVER \
	"getvpn{ id=1234 server{ connection=members" \
	"  members=[*@example.org,gm1.example.org]" \
	"  traffic{" \
	"    web{ src_ts=10.1.0.0/16 dst_ts=10.2.0.0/16 action=permit }" \
	"    ssh{ src_ts=10.1.0.0/16[tcp/22] dst_ts=0.0.0.0/0 action=deny }" \
	"    range{ src_ts=10.3.0.1-10.3.0.9 dst_ts=[10.4.0.0/24] }" \
	"  }" \
	"  esp_proposals=[aes128gcm16,aes256-sha256]" \
	"  kek_proposals=aes128-sha256" \
	"  tek_lifetime=2h kek_lifetime=1d rekey=multicast" \
	"  rekey_address=239.192.0.1 rekey_retransmit=40s" \
	"  rekey_retransmits=3 signing_key=ks.example.org close_ike_sa=no" \
	"  tek_rekey_lead=5m kek_rekey_lead=1h" \
	" } }"

START_TEST(test_server)
{
	gdoi_group_cfg_t *cfg;
	gdoi_traffic_cfg_t *traffic;
	identification_t *id;
	chunk_t expected = chunk_from_chars(0x00, 0x00, 0x04, 0xd2);
	char buf[64];

	cfg = parse(FULL_SERVER);

	ck_assert_str_eq(cfg->name, "getvpn");
	ck_assert_int_eq(cfg->role, GDOI_ROLE_SERVER);
	ck_assert_int_eq(cfg->id->get_type(cfg->id), ID_KEY_ID);
	ck_assert_chunk_eq(cfg->id->get_encoding(cfg->id), expected);
	ck_assert_str_eq(cfg->connection, "members");

	ck_assert_int_eq(cfg->members->get_count(cfg->members), 2);
	cfg->members->get_first(cfg->members, (void**)&id);
	assert_id(id, "*@example.org");
	cfg->members->get_last(cfg->members, (void**)&id);
	assert_id(id, "gm1.example.org");

	ck_assert_int_eq(cfg->traffic->get_count(cfg->traffic), 3);
	traffic = get_at(cfg->traffic, 0);
	ck_assert_str_eq(traffic->name, "web");
	assert_ts(traffic->src, "10.1.0.0/16");
	assert_ts(traffic->dst, "10.2.0.0/16");
	ck_assert(traffic->permit);
	traffic = get_at(cfg->traffic, 1);
	ck_assert_str_eq(traffic->name, "ssh");
	assert_ts(traffic->src, "10.1.0.0/16[tcp/ssh]");
	assert_ts(traffic->dst, "0.0.0.0/0");
	ck_assert(!traffic->permit);
	traffic = get_at(cfg->traffic, 2);
	ck_assert_str_eq(traffic->name, "range");
	assert_ts(traffic->src, "10.3.0.1..10.3.0.9");
	assert_ts(traffic->dst, "10.4.0.0/24");
	ck_assert(traffic->permit);

	ck_assert_int_eq(cfg->esp_proposals->get_count(cfg->esp_proposals), 2);
	assert_proposal(cfg->esp_proposals, 0, "ESP:AES_GCM_16_128/NO_EXT_SEQ");
	assert_proposal(cfg->esp_proposals, 1,
					"ESP:AES_CBC_256/HMAC_SHA2_256_128/NO_EXT_SEQ");
	ck_assert_int_eq(cfg->kek_proposals->get_count(cfg->kek_proposals), 1);
	assert_proposal(cfg->kek_proposals, 0,
					"IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256");

	ck_assert_int_eq(cfg->tek_lifetime, 7200);
	ck_assert_int_eq(cfg->kek_lifetime, 86400);
	ck_assert_int_eq(cfg->rekey, GDOI_REKEY_MULTICAST);
	ck_assert(cfg->rekey_address);
	snprintf(buf, sizeof(buf), "%H", cfg->rekey_address);
	ck_assert_str_eq(buf, "239.192.0.1");
	ck_assert_int_eq(cfg->rekey_retransmit, 40);
	ck_assert_int_eq(cfg->rekey_retransmits, 3);
	ck_assert_int_eq(cfg->tek_rekey_lead, 300);
	ck_assert_int_eq(cfg->kek_rekey_lead, 3600);
	assert_id(cfg->signing_key, "ks.example.org");
	ck_assert(!cfg->close_ike_sa);

	ck_assert_int_eq(cfg->key_servers->get_count(cfg->key_servers), 0);

	cfg->destroy(cfg);
}
END_TEST

START_TEST(test_server_defaults)
{
	gdoi_group_cfg_t *cfg;

	cfg = parse("g{ id=group@example.org server{ connection=c"
				" traffic{ all{ src_ts=10.0.0.0/8 dst_ts=10.0.0.0/8 } }"
				" esp_proposals=aes128gcm16 } }");
	ck_assert_int_eq(cfg->id->get_type(cfg->id), ID_RFC822_ADDR);
	assert_id(cfg->id, "group@example.org");
	ck_assert_int_eq(cfg->members->get_count(cfg->members), 0);
	ck_assert_int_eq(cfg->tek_lifetime, 3600);
	ck_assert_int_eq(cfg->kek_lifetime, 86400);
	ck_assert_int_eq(cfg->rekey, GDOI_REKEY_UNICAST);
	ck_assert(!cfg->rekey_address);
	ck_assert_int_eq(cfg->rekey_retransmit, 10);
	ck_assert_int_eq(cfg->rekey_retransmits, 2);
	ck_assert_int_eq(cfg->tek_rekey_lead, 90);
	ck_assert_int_eq(cfg->kek_rekey_lead, 200);
	ck_assert(!cfg->signing_key);
	ck_assert(cfg->close_ike_sa);
	ck_assert_int_eq(cfg->kek_proposals->get_count(cfg->kek_proposals), 1);
	assert_proposal(cfg->kek_proposals, 0,
					"IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256");
	cfg->destroy(cfg);

	/* a rekey address implies multicast */
	cfg = parse("g{ id=1 server{ connection=c rekey_address=ff15::1234"
				" traffic{ all{ src_ts=::/0 dst_ts=fec0::/16 } }"
				" esp_proposals=aes128gcm16 } }");
	ck_assert_int_eq(cfg->rekey, GDOI_REKEY_MULTICAST);
	ck_assert_int_eq(cfg->rekey_address->get_family(cfg->rekey_address),
					 AF_INET6);
	cfg->destroy(cfg);
}
END_TEST

START_TEST(test_member)
{
	gdoi_group_cfg_t *cfg;
	host_t *host;
	char buf[64];

	cfg = parse("getvpn{ id=1234 member{ connection=to-ks"
				" key_servers=[192.0.2.1,192.0.2.2,2001:db8::1] } }");
	ck_assert_str_eq(cfg->name, "getvpn");
	ck_assert_int_eq(cfg->role, GDOI_ROLE_MEMBER);
	ck_assert_int_eq(cfg->id->get_type(cfg->id), ID_KEY_ID);
	ck_assert_str_eq(cfg->connection, "to-ks");
	ck_assert_int_eq(cfg->key_servers->get_count(cfg->key_servers), 3);
	host = get_at(cfg->key_servers, 0);
	snprintf(buf, sizeof(buf), "%H", host);
	ck_assert_str_eq(buf, "192.0.2.1");
	host = get_at(cfg->key_servers, 1);
	snprintf(buf, sizeof(buf), "%H", host);
	ck_assert_str_eq(buf, "192.0.2.2");
	host = get_at(cfg->key_servers, 2);
	snprintf(buf, sizeof(buf), "%H", host);
	ck_assert_str_eq(buf, "2001:db8::1");

	ck_assert_int_eq(cfg->members->get_count(cfg->members), 0);
	ck_assert_int_eq(cfg->traffic->get_count(cfg->traffic), 0);
	ck_assert_int_eq(cfg->esp_proposals->get_count(cfg->esp_proposals), 0);
	ck_assert_int_eq(cfg->kek_proposals->get_count(cfg->kek_proposals), 0);
	ck_assert(!cfg->rekey_address);
	ck_assert(!cfg->signing_key);
	cfg->destroy(cfg);

	/* a single key server as key/value */
	cfg = parse("g{ id=1 member{ connection=c key_servers=192.0.2.1 } }");
	ck_assert_int_eq(cfg->key_servers->get_count(cfg->key_servers), 1);
	ck_assert_int_eq(cfg->peers->get_count(cfg->peers), 0);
	cfg->destroy(cfg);
}
END_TEST

START_TEST(test_member_peers)
{
	gdoi_group_cfg_t *cfg;
	gdoi_peer_cfg_t *peer;
	char buf[64];

	cfg = parse("g{ id=1 member{ connection=c key_servers=192.0.2.1"
				" peers{ gm2{ address=192.0.2.12 remote_ts=10.2.0.0/16 }"
				" gm3{ address=2001:db8::13 remote_ts=[2001:db8:3::/48] } } } }");
	ck_assert_int_eq(cfg->peers->get_count(cfg->peers), 2);
	peer = get_at(cfg->peers, 0);
	ck_assert_str_eq(peer->name, "gm2");
	snprintf(buf, sizeof(buf), "%H %R", peer->address, peer->ts);
	ck_assert_str_eq(buf, "192.0.2.12 10.2.0.0/16");
	peer = get_at(cfg->peers, 1);
	ck_assert_str_eq(peer->name, "gm3");
	snprintf(buf, sizeof(buf), "%H %R", peer->address, peer->ts);
	ck_assert_str_eq(buf, "2001:db8::13 2001:db8:3::/48");
	cfg->destroy(cfg);
}
END_TEST

START_TEST(test_id_number)
{
	gdoi_group_cfg_t *cfg;

	cfg = parse("g{ id=4294967295 member{ connection=c "
				"key_servers=1.2.3.4 } }");
	ck_assert_int_eq(cfg->id->get_type(cfg->id), ID_KEY_ID);
	ck_assert_chunk_eq(cfg->id->get_encoding(cfg->id),
					   chunk_from_chars(0xff, 0xff, 0xff, 0xff));
	cfg->destroy(cfg);

	cfg = parse("g{ id=0 member{ connection=c key_servers=1.2.3.4 } }");
	ck_assert_chunk_eq(cfg->id->get_encoding(cfg->id),
					   chunk_from_chars(0x00, 0x00, 0x00, 0x00));
	cfg->destroy(cfg);

	/* the number is the same identity as the explicit key ID */
	cfg = parse("g{ id=keyid:#000004d2 member{ connection=c "
				"key_servers=1.2.3.4 } }");
	ck_assert_int_eq(cfg->id->get_type(cfg->id), ID_KEY_ID);
	ck_assert_chunk_eq(cfg->id->get_encoding(cfg->id),
					   chunk_from_chars(0x00, 0x00, 0x04, 0xd2));
	cfg->destroy(cfg);
}
END_TEST

START_TEST(test_equals)
{
	gdoi_group_cfg_t *a, *b;

	a = parse(FULL_SERVER);
	b = parse(FULL_SERVER);
	ck_assert(a->equals(a, b));
	ck_assert(b->equals(b, a));
	b->destroy(b);

	/* the connection and members are not part of the group policy */
	b = parse("getvpn{ id=1234 server{ connection=other members=x"
		"  traffic{"
		"    w{ src_ts=10.1.0.0/16 dst_ts=10.2.0.0/16 action=permit }"
		"    s{ src_ts=10.1.0.0/16[tcp/22] dst_ts=0.0.0.0/0 action=deny }"
		"    r{ src_ts=10.3.0.1-10.3.0.9 dst_ts=10.4.0.0/24 }"
		"  }"
		"  esp_proposals=[aes128gcm16,aes256-sha256]"
		"  kek_proposals=aes128-sha256"
		"  tek_lifetime=7200 kek_lifetime=24h"
		"  rekey_address=239.192.0.1 rekey_retransmit=10s"
		"  rekey_retransmits=1 signing_key=ks.example.org } }");
	ck_assert(a->equals(a, b));
	b->destroy(b);

	/* the TEK lifetime is */
	b = parse("getvpn{ id=1234 server{ connection=members"
		"  traffic{"
		"    w{ src_ts=10.1.0.0/16 dst_ts=10.2.0.0/16 action=permit }"
		"    s{ src_ts=10.1.0.0/16[tcp/22] dst_ts=0.0.0.0/0 action=deny }"
		"    r{ src_ts=10.3.0.1-10.3.0.9 dst_ts=10.4.0.0/24 }"
		"  }"
		"  esp_proposals=[aes128gcm16,aes256-sha256]"
		"  kek_proposals=aes128-sha256 tek_lifetime=3600"
		"  rekey_address=239.192.0.1 signing_key=ks.example.org } }");
	ck_assert(!a->equals(a, b));
	b->destroy(b);

	/* and so is the traffic */
	b = parse("getvpn{ id=1234 server{ connection=members"
		"  traffic{"
		"    w{ src_ts=10.1.0.0/16 dst_ts=10.2.0.0/16 action=permit }"
		"  }"
		"  esp_proposals=[aes128gcm16,aes256-sha256]"
		"  kek_proposals=aes128-sha256 tek_lifetime=2h"
		"  rekey_address=239.192.0.1 signing_key=ks.example.org } }");
	ck_assert(!a->equals(a, b));
	b->destroy(b);

	/* members compare identity and role, not connection or key servers */
	b = parse("getvpn{ id=1234 member{ connection=c key_servers=1.2.3.4 } }");
	ck_assert(!a->equals(a, b));
	a->destroy(a);
	a = parse("getvpn{ id=1234 member{ connection=d key_servers=1.2.3.5 } }");
	ck_assert(a->equals(a, b));
	b->destroy(b);

	/* references */
	b = a->get_ref(a);
	ck_assert(a == b);
	a->destroy(a);
	ck_assert_str_eq(b->name, "getvpn");
	b->destroy(b);
}
END_TEST

/**
 * Invalid groups and the parts their errors must contain
 */
static struct {
	char *desc;
	char *error;
} invalid[] = {
	/* unknown keys at each level */
	{ "g{ id=1 idd=2 member{ connection=c key_servers=1.2.3.4 } }",
	  "group 'g': unknown option 'idd'" },
	{ "g{ id=1 membr{ connection=c } }",
	  "group 'g': unknown section 'membr'" },
	{ "g{ id=1 server{ connection=c tek_lifetim=1h esp_proposals=aes128gcm16"
	  " traffic{ a{ src_ts=10.0.0.0/8 dst_ts=10.0.0.0/8 } } } }",
	  "group 'g': unknown option 'tek_lifetim' in server" },
	{ "g{ id=1 server{ connection=c esp_proposals=aes128gcm16"
	  " traffic{ a{ src_ts=10.0.0.0/8 dst_ts=10.0.0.0/8 actio=deny } } } }",
	  "group 'g': unknown option 'actio' in server.traffic.a" },
	{ "g{ id=1 server{ connection=c esp_proposals=aes128gcm16"
	  " traffic{ action=deny a{ src_ts=10.0.0.0/8 dst_ts=10.0.0.0/8 } } } }",
	  "group 'g': unknown option 'action' in server.traffic" },
	{ "g{ id=1 server{ connection=c esp_proposals=aes128gcm16 policy{ }"
	  " traffic{ a{ src_ts=10.0.0.0/8 dst_ts=10.0.0.0/8 } } } }",
	  "group 'g': unknown section 'policy' in server" },
	{ "g{ id=1 server{ connection=c esp_proposals=aes128gcm16"
	  " traffic{ a{ src_ts=10.0.0.0/8 dst_ts=10.0.0.0/8 x{ } } } } }",
	  "group 'g': unknown section 'x' in server.traffic.a" },
	{ "g{ id=1 member{ connection=c key_server=1.2.3.4 } }",
	  "group 'g': unknown option 'key_server' in member" },
	{ "g{ id=1 member{ connection=c key_servers=1.2.3.4"
	  " esp_proposals=aes128gcm16 } }",
	  "group 'g': unknown option 'esp_proposals' in member" },
	{ "g{ id=1 member{ connection=c key_servers=1.2.3.4 traffic{ } } }",
	  "group 'g': unknown section 'traffic' in member" },
	/* bad values */
	{ "g{ id=1 server{ connection=c tek_lifetime=1x esp_proposals=aes128gcm16"
	  " traffic{ a{ src_ts=10.0.0.0/8 dst_ts=10.0.0.0/8 } } } }",
	  "group 'g': invalid value '1x' for option 'tek_lifetime' in server" },
	{ "g{ id=1 server{ connection=c kek_lifetime=0 esp_proposals=aes128gcm16"
	  " traffic{ a{ src_ts=10.0.0.0/8 dst_ts=10.0.0.0/8 } } } }",
	  "group 'g': invalid value '0' for option 'kek_lifetime' in server" },
	{ "g{ id=1 server{ connection=c tek_lifetime=-5 esp_proposals=aes128gcm16"
	  " traffic{ a{ src_ts=10.0.0.0/8 dst_ts=10.0.0.0/8 } } } }",
	  "group 'g': invalid value '-5' for option 'tek_lifetime' in server" },
	{ "g{ id=1 server{ connection=c esp_proposals=aes128-foo"
	  " traffic{ a{ src_ts=10.0.0.0/8 dst_ts=10.0.0.0/8 } } } }",
	  "group 'g': invalid value 'aes128-foo' for option 'esp_proposals' in"
	  " server" },
	{ "g{ id=1 server{ connection=c esp_proposals=aes128gcm16-modp2048"
	  " traffic{ a{ src_ts=10.0.0.0/8 dst_ts=10.0.0.0/8 } } } }",
	  "group 'g': invalid value 'aes128gcm16-modp2048' for option"
	  " 'esp_proposals' in server" },
	{ "g{ id=1 server{ connection=c esp_proposals=aes128gcm16"
	  " kek_proposals=aes256-sha256-ecp256"
	  " traffic{ a{ src_ts=10.0.0.0/8 dst_ts=10.0.0.0/8 } } } }",
	  "group 'g': invalid value 'aes256-sha256-ecp256' for option"
	  " 'kek_proposals' in server" },
	{ "g{ id=1 server{ connection=c esp_proposals=aes128gcm16"
	  " kek_proposals=aes256"
	  " traffic{ a{ src_ts=10.0.0.0/8 dst_ts=10.0.0.0/8 } } } }",
	  "group 'g': invalid value 'aes256' for option 'kek_proposals' in"
	  " server" },
	{ "g{ id=1 server{ connection=c esp_proposals=aes128gcm16"
	  " traffic{ a{ src_ts=10.0.0.0/33 dst_ts=10.0.0.0/8 } } } }",
	  "group 'g': invalid value '10.0.0.0/33' for option 'src_ts' in"
	  " server.traffic.a" },
	{ "g{ id=1 server{ connection=c esp_proposals=aes128gcm16"
	  " traffic{ a{ src_ts=10.0.0.0/8 dst_ts=dynamic } } } }",
	  "group 'g': invalid value 'dynamic' for option 'dst_ts' in"
	  " server.traffic.a" },
	{ "g{ id=1 server{ connection=c esp_proposals=aes128gcm16"
	  " traffic{ a{ src_ts=10.0.0.0/8[foo/bar] dst_ts=10.0.0.0/8 } } } }",
	  "group 'g': invalid value '10.0.0.0/8[foo/bar]' for option 'src_ts' in"
	  " server.traffic.a" },
	{ "g{ id=1 server{ connection=c esp_proposals=aes128gcm16"
	  " traffic{ a{ src_ts=[10.0.0.0/8,10.1.0.0/16] dst_ts=10.0.0.0/8 } } } }",
	  "group 'g': invalid value '10.1.0.0/16' for option 'src_ts' in"
	  " server.traffic.a" },
	{ "g{ id=1 server{ connection=c esp_proposals=aes128gcm16"
	  " traffic{ a{ src_ts=10.0.0.0/8 dst_ts=fec0::/16 } } } }",
	  "group 'g': src_ts 10.0.0.0/8 and dst_ts fec0::/16 are of different"
	  " address families in server.traffic.a" },
	{ "g{ id=1 server{ connection=c esp_proposals=aes128gcm16"
	  " traffic{ a{ src_ts=10.0.0.0/8 dst_ts=10.0.0.0/8 action=allow } } } }",
	  "group 'g': invalid value 'allow' for option 'action' in"
	  " server.traffic.a" },
	{ "g{ id=1 server{ connection=c esp_proposals=aes128gcm16 rekey=broadcast"
	  " traffic{ a{ src_ts=10.0.0.0/8 dst_ts=10.0.0.0/8 } } } }",
	  "group 'g': invalid value 'broadcast' for option 'rekey' in server" },
	{ "g{ id=1 server{ connection=c esp_proposals=aes128gcm16"
	  " rekey_address=10.0.0.1"
	  " traffic{ a{ src_ts=10.0.0.0/8 dst_ts=10.0.0.0/8 } } } }",
	  "group 'g': invalid value '10.0.0.1' for option 'rekey_address' in"
	  " server" },
	{ "g{ id=1 server{ connection=c esp_proposals=aes128gcm16"
	  " rekey_retransmits=x"
	  " traffic{ a{ src_ts=10.0.0.0/8 dst_ts=10.0.0.0/8 } } } }",
	  "group 'g': invalid value 'x' for option 'rekey_retransmits' in server" },
	{ "g{ id=1 server{ connection=c esp_proposals=aes128gcm16"
	  " close_ike_sa=maybe"
	  " traffic{ a{ src_ts=10.0.0.0/8 dst_ts=10.0.0.0/8 } } } }",
	  "group 'g': invalid value 'maybe' for option 'close_ike_sa' in server" },
	{ "g{ id=1 server{ connection=[c,d] esp_proposals=aes128gcm16"
	  " traffic{ a{ src_ts=10.0.0.0/8 dst_ts=10.0.0.0/8 } } } }",
	  "group 'g': option 'connection' takes a single value in server" },
	{ "g{ id=4294967296 member{ connection=c key_servers=1.2.3.4 } }",
	  "group 'g': invalid value '4294967296' for option 'id'" },
	{ "g{ id=1 member{ connection=c key_servers=[192.0.2.1,ks.example.org] } }",
	  "group 'g': invalid value 'ks.example.org' for option 'key_servers' in"
	  " member" },
	{ "g{ id=1 member{ connection=c key_servers=0.0.0.0 } }",
	  "group 'g': invalid value '0.0.0.0' for option 'key_servers' in member" },
	/* missing or conflicting keys */
	{ "g{ id=1 server{ connection=c esp_proposals=aes128gcm16 rekey=multicast"
	  " traffic{ a{ src_ts=10.0.0.0/8 dst_ts=10.0.0.0/8 } } } }",
	  "group 'g': rekey = multicast requires option 'rekey_address' in"
	  " server" },
	{ "g{ id=1 server{ connection=c esp_proposals=aes128gcm16 rekey=unicast"
	  " rekey_address=239.1.1.1 traffic{ a{ src_ts=10.0.0.0/8 dst_ts=10.0.0.0/8"
	  " } } } }",
	  "group 'g': option 'rekey_address' requires rekey = multicast in"
	  " server" },
	{ "g{ id=1 server{ connection=c esp_proposals=aes128gcm16"
	  " traffic{ a{ src_ts=10.0.0.0/8 dst_ts=10.0.0.0/8 } } }"
	  " member{ connection=c key_servers=1.2.3.4 } }",
	  "group 'g': needs exactly one of the sections server and member" },
	{ "g{ id=1 }",
	  "group 'g': needs exactly one of the sections server and member" },
	{ "g{ member{ connection=c key_servers=1.2.3.4 } }",
	  "group 'g': missing option 'id'" },
	{ "g{ id=1 server{ esp_proposals=aes128gcm16"
	  " traffic{ a{ src_ts=10.0.0.0/8 dst_ts=10.0.0.0/8 } } } }",
	  "group 'g': missing option 'connection' in server" },
	{ "g{ id=1 member{ key_servers=1.2.3.4 } }",
	  "group 'g': missing option 'connection' in member" },
	{ "g{ id=1 member{ connection=c } }",
	  "group 'g': missing option 'key_servers' in member" },
	{ "g{ id=1 server{ connection=c"
	  " traffic{ a{ src_ts=10.0.0.0/8 dst_ts=10.0.0.0/8 } } } }",
	  "group 'g': missing option 'esp_proposals' in server" },
	{ "g{ id=1 server{ connection=c esp_proposals=aes128gcm16 } }",
	  "group 'g': no traffic entry with action = permit in server" },
	{ "g{ id=1 server{ connection=c esp_proposals=aes128gcm16"
	  " traffic{ a{ src_ts=10.0.0.0/8 dst_ts=10.0.0.0/8 action=deny } } } }",
	  "group 'g': no traffic entry with action = permit in server" },
	{ "g{ id=1 server{ connection=c esp_proposals=aes128gcm16"
	  " traffic{ a{ src_ts=10.0.0.0/8 } } } }",
	  "group 'g': missing option 'dst_ts' in server.traffic.a" },
	{ "g{ id=1 member{ connection=c key_servers=1.2.3.4 } }"
	  " h{ id=2 member{ connection=c key_servers=1.2.3.4 } }",
	  "load-group takes exactly one group" },
	/* peers of a member */
	{ "g{ id=1 member{ connection=c key_servers=1.2.3.4"
	  " peers{ p{ remote_ts=10.0.0.0/8 } } } }",
	  "group 'g': missing option 'address' in member.peers.p" },
	{ "g{ id=1 member{ connection=c key_servers=1.2.3.4"
	  " peers{ p{ address=1.2.3.5 } } } }",
	  "group 'g': missing option 'remote_ts' in member.peers.p" },
	{ "g{ id=1 member{ connection=c key_servers=1.2.3.4"
	  " peers{ p{ address=peer.example.org remote_ts=10.0.0.0/8 } } } }",
	  "group 'g': invalid value 'peer.example.org' for option 'address' in"
	  " member.peers.p" },
	{ "g{ id=1 member{ connection=c key_servers=1.2.3.4"
	  " peers{ p{ address=1.2.3.5 remote_ts=10.0.0.0/33 } } } }",
	  "group 'g': invalid value '10.0.0.0/33' for option 'remote_ts' in"
	  " member.peers.p" },
	{ "g{ id=1 member{ connection=c key_servers=1.2.3.4"
	  " peers{ p{ address=1.2.3.5 remote_ts=10.0.0.0/8 port=1 } } } }",
	  "group 'g': unknown option 'port' in member.peers.p" },
	{ "g{ id=1 member{ connection=c key_servers=1.2.3.4"
	  " peers{ p{ address=1.2.3.5 remote_ts=10.0.0.0/8 }"
	  " p{ address=1.2.3.6 remote_ts=10.0.0.0/8 } } } }",
	  "group 'g': duplicate peer 'p' in member.peers" },
	{ "g{ id=1 member{ connection=c key_servers=1.2.3.4 peer{ } } }",
	  "group 'g': unknown section 'peer' in member" },
	{ "name=g", "unexpected option 'name' outside of a group" },
	{ "", "no group to load" },
};

START_TEST(test_invalid)
{
	char *error;

	error = parse_error(invalid[_i].desc);
	ck_assert_msg(streq(error, invalid[_i].error),
				  "'%s' instead of '%s'", error, invalid[_i].error);
	free(error);
}
END_TEST

/**
 * A server group with the given lifetimes
 */
#define LIFETIMES(tek, kek) \
	"g{ id=1 server{ connection=c esp_proposals=aes128gcm16" \
	" tek_lifetime=" tek " kek_lifetime=" kek \
	" traffic{ a{ src_ts=10.0.0.0/8 dst_ts=10.0.0.0/8 } } } }"

/**
 * Set charon.plugins.gdoi-ks.test_lifetimes
 */
static void set_test_lifetimes(bool value)
{
	lib->settings->set_bool(lib->settings,
							"%s.plugins.gdoi-ks.test_lifetimes", value,
							lib->ns);
}

START_TEST(test_lifetimes_short)
{
	gdoi_group_cfg_t *cfg;
	char *error, expected[256];

	/* 300 s is the shortest without the option */
	set_test_lifetimes(FALSE);
	cfg = parse(LIFETIMES("300", "5m"));
	ck_assert_int_eq(cfg->tek_lifetime, 300);
	ck_assert_int_eq(cfg->kek_lifetime, 300);
	cfg->destroy(cfg);

	error = parse_error(LIFETIMES("299", "1h"));
	snprintf(expected, sizeof(expected), "group 'g': tek_lifetime 299s is "
			 "less than 300s (%s.plugins.gdoi-ks.test_lifetimes = yes allows "
			 "down to 10s for tests) in server", lib->ns);
	ck_assert_str_eq(error, expected);
	free(error);

	error = parse_error(LIFETIMES("300", "1m"));
	snprintf(expected, sizeof(expected), "group 'g': kek_lifetime 60s is "
			 "less than 300s (%s.plugins.gdoi-ks.test_lifetimes = yes allows "
			 "down to 10s for tests) in server", lib->ns);
	ck_assert_str_eq(error, expected);
	free(error);
}
END_TEST

START_TEST(test_lifetimes_test)
{
	gdoi_group_cfg_t *cfg;
	char *error, expected[256];

	set_test_lifetimes(TRUE);
	cfg = parse(LIFETIMES("10", "20s"));
	ck_assert_int_eq(cfg->tek_lifetime, 10);
	ck_assert_int_eq(cfg->kek_lifetime, 20);
	cfg->destroy(cfg);

	error = parse_error(LIFETIMES("9", "20"));
	snprintf(expected, sizeof(expected), "group 'g': tek_lifetime 9s is "
			 "less than 10s, the shortest with "
			 "%s.plugins.gdoi-ks.test_lifetimes = yes in server", lib->ns);
	ck_assert_str_eq(error, expected);
	free(error);

	error = parse_error(LIFETIMES("10", "9"));
	ck_assert(strstr(error, "kek_lifetime 9s is less than 10s"));
	free(error);
	set_test_lifetimes(FALSE);
}
END_TEST

START_TEST(test_lifetimes_member)
{
	gdoi_group_cfg_t *cfg;

	/* members take what the key server sends, they have no lifetimes */
	set_test_lifetimes(FALSE);
	cfg = parse("g{ id=1 member{ connection=c key_servers=1.2.3.4 } }");
	ck_assert_int_eq(cfg->tek_lifetime, 0);
	cfg->destroy(cfg);
}
END_TEST

Suite *group_cfg_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("group_cfg");

	tc = tcase_create("valid");
	tcase_add_test(tc, test_server);
	tcase_add_test(tc, test_server_defaults);
	tcase_add_test(tc, test_member);
	tcase_add_test(tc, test_member_peers);
	tcase_add_test(tc, test_id_number);
	tcase_add_test(tc, test_equals);
	suite_add_tcase(s, tc);

	tc = tcase_create("invalid");
	tcase_add_loop_test(tc, test_invalid, 0, countof(invalid));
	suite_add_tcase(s, tc);

	tc = tcase_create("lifetimes");
	tcase_add_test(tc, test_lifetimes_short);
	tcase_add_test(tc, test_lifetimes_test);
	tcase_add_test(tc, test_lifetimes_member);
	suite_add_tcase(s, tc);

	return s;
}
