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

#include <gdoi_ks_members.h>

static gdoi_ks_members_t *members;

START_SETUP(setup_members)
{
	members = gdoi_ks_members_create("test");
}
END_SETUP

START_TEARDOWN(teardown_members)
{
	members->destroy(members);
}
END_TEARDOWN

/**
 * Add a member by identity and address strings
 */
static bool add(char *id_str, char *addr_str)
{
	identification_t *id;
	host_t *addr;
	bool new;

	id = identification_create_from_string(id_str);
	addr = host_create_from_string(addr_str, 500);
	new = members->add(members, id, addr, 0);
	id->destroy(id);
	addr->destroy(addr);
	return new;
}

/**
 * Find a member by identity, NULL if not found
 */
static gdoi_ks_member_t *find(char *id_str, gdoi_ks_member_t *copy)
{
	enumerator_t *enumerator;
	identification_t *id;
	gdoi_ks_member_t *member;
	bool found = FALSE;

	id = identification_create_from_string(id_str);
	enumerator = members->create_enumerator(members);
	while (enumerator->enumerate(enumerator, &member))
	{
		if (id->equals(id, member->id))
		{
			*copy = *member;
			found = TRUE;
			break;
		}
	}
	enumerator->destroy(enumerator);
	id->destroy(id);
	return found ? copy : NULL;
}

/**
 * Call a method taking an identity with an identity string
 */
static bool with_id(bool (*fn)(gdoi_ks_members_t*, identification_t*),
					char *id_str)
{
	identification_t *id;
	bool ret;

	id = identification_create_from_string(id_str);
	ret = fn(members, id);
	id->destroy(id);
	return ret;
}

START_TEST(test_add_update)
{
	gdoi_ks_member_t m;
	host_t *expected;

	ck_assert_int_eq(members->get_count(members), 0);
	ck_assert(add("gm1@example.org", "192.0.2.11"));
	ck_assert(add("gm2@example.org", "192.0.2.12"));
	ck_assert(add("CN=gm3, O=example", "192.0.2.13"));
	ck_assert_int_eq(members->get_count(members), 3);

	/* a re-registration from a new address updates the entry */
	ck_assert(!add("gm1@example.org", "192.0.2.21"));
	ck_assert_int_eq(members->get_count(members), 3);
	ck_assert(find("gm1@example.org", &m));
	expected = host_create_from_string("192.0.2.21", 500);
	ck_assert(expected->ip_equals(expected, m.address));
	expected->destroy(expected);

	/* identities of different types do not match */
	ck_assert(add("192.0.2.11", "192.0.2.11"));
	ck_assert_int_eq(members->get_count(members), 4);
	ck_assert(find("CN=gm3, O=example", &m));
	ck_assert(!find("gm4@example.org", &m));
}
END_TEST

START_TEST(test_remove)
{
	ck_assert(add("gm1@example.org", "192.0.2.11"));
	ck_assert(add("gm2@example.org", "192.0.2.12"));
	ck_assert(with_id(members->remove, "gm1@example.org"));
	ck_assert(!with_id(members->remove, "gm1@example.org"));
	ck_assert(!with_id(members->remove, "gm3@example.org"));
	ck_assert_int_eq(members->get_count(members), 1);
	ck_assert(!with_id(members->acked, "gm1@example.org"));
}
END_TEST

START_TEST(test_missed_rekeys)
{
	gdoi_ks_member_t m;

	ck_assert(add("gm1@example.org", "192.0.2.11"));
	ck_assert(add("gm2@example.org", "192.0.2.12"));
	ck_assert(add("gm3@example.org", "192.0.2.13"));

	/* three scheduled rekeys: gm1 acknowledges each, gm2 only the second,
	 * gm3 none */
	members->rekey_sent(members);
	ck_assert(with_id(members->acked, "gm1@example.org"));
	ck_assert_int_eq(members->expire(members, 3), 0);

	members->rekey_sent(members);
	ck_assert(with_id(members->acked, "gm1@example.org"));
	ck_assert(with_id(members->acked, "gm2@example.org"));
	ck_assert_int_eq(members->expire(members, 3), 0);
	ck_assert(find("gm3@example.org", &m));
	ck_assert_int_eq(m.missed, 2);

	members->rekey_sent(members);
	ck_assert(with_id(members->acked, "gm1@example.org"));
	/* gm3 missed 3 consecutive rekeys: dropped before the 4th */
	ck_assert_int_eq(members->expire(members, 3), 1);
	ck_assert(!find("gm3@example.org", &m));
	ck_assert(find("gm2@example.org", &m));
	ck_assert_int_eq(m.missed, 1);
	ck_assert(find("gm1@example.org", &m));
	ck_assert_int_eq(m.missed, 0);
	ck_assert_int_eq(members->get_count(members), 2);

	/* a re-registration resets the count */
	members->rekey_sent(members);
	members->rekey_sent(members);
	ck_assert(!add("gm2@example.org", "192.0.2.12"));
	ck_assert_int_eq(members->expire(members, 3), 0);
	ck_assert(find("gm2@example.org", &m));
	ck_assert_int_eq(m.missed, 0);
}
END_TEST

START_TEST(test_many)
{
	char id[32], addr[32];
	int i;

	for (i = 0; i < 2000; i++)
	{
		snprintf(id, sizeof(id), "gm%d@example.org", i);
		snprintf(addr, sizeof(addr), "10.%d.%d.1", i / 256, i % 256);
		ck_assert(add(id, addr));
	}
	ck_assert_int_eq(members->get_count(members), 2000);
	members->rekey_sent(members);
	for (i = 0; i < 2000; i += 2)
	{
		snprintf(id, sizeof(id), "gm%d@example.org", i);
		ck_assert(with_id(members->acked, id));
	}
	ck_assert_int_eq(members->expire(members, 1), 1000);
	ck_assert_int_eq(members->get_count(members), 1000);
}
END_TEST

/**
 * Acknowledge by an address string and port
 */
static bool ack_address(char *addr_str, uint16_t port)
{
	host_t *addr;
	bool ok;

	addr = host_create_from_string(addr_str, port);
	ok = members->acked_address(members, addr);
	addr->destroy(addr);
	return ok;
}

START_TEST(test_acked_address)
{
	gdoi_ks_member_t m;

	ck_assert(add("gm1@example.org", "192.0.2.11"));
	ck_assert(add("gm2@example.org", "192.0.2.12"));
	ck_assert(add("gm3@example.org", "2001:db8::13"));

	/* nothing pending before a rekey */
	ck_assert(!ack_address("192.0.2.11", 500));
	ck_assert(find("gm1@example.org", &m));
	ck_assert(!m.pending);

	members->rekey_sent(members);
	ck_assert(find("gm1@example.org", &m));
	ck_assert(m.pending && !m.inband);
	ck_assert_int_eq(m.missed, 1);

	/* matched by address, whatever the port; once only */
	ck_assert(ack_address("192.0.2.11", 4500));
	ck_assert(!ack_address("192.0.2.11", 500));
	ck_assert(ack_address("2001:db8::13", 500));
	/* no member at the address */
	ck_assert(!ack_address("192.0.2.13", 500));
	ck_assert(!ack_address("2001:db8::12", 500));

	ck_assert(find("gm1@example.org", &m));
	ck_assert(!m.pending);
	ck_assert_int_eq(m.missed, 0);
	ck_assert(find("gm3@example.org", &m));
	ck_assert(!m.pending);
	ck_assert_int_eq(m.missed, 0);
	ck_assert(find("gm2@example.org", &m));
	ck_assert(m.pending);
	ck_assert_int_eq(m.missed, 1);
}
END_TEST

START_TEST(test_acked_address_moved)
{
	gdoi_ks_member_t m;

	ck_assert(add("gm1@example.org", "192.0.2.11"));
	ck_assert(add("gm2@example.org", "192.0.2.12"));
	/* gm1 moves to a new address, its old one is not matched anymore */
	ck_assert(!add("gm1@example.org", "192.0.2.21"));
	members->rekey_sent(members);
	ck_assert(!ack_address("192.0.2.11", 500));
	ck_assert(ack_address("192.0.2.21", 500));

	/* gm3 registers from gm2's address (a NAT): the last one is matched */
	ck_assert(add("gm3@example.org", "192.0.2.12"));
	members->rekey_sent(members);
	ck_assert(ack_address("192.0.2.12", 500));
	ck_assert(find("gm3@example.org", &m));
	ck_assert(!m.pending);
	ck_assert(find("gm2@example.org", &m));
	ck_assert(m.pending);
	ck_assert_int_eq(m.missed, 2);

	/* a dropped or removed member's address is not matched */
	ck_assert_int_eq(members->expire(members, 2), 1);
	ck_assert(!find("gm2@example.org", &m));
	members->rekey_sent(members);
	ck_assert(ack_address("192.0.2.12", 500));
	ck_assert(with_id(members->remove, "gm3@example.org"));
	ck_assert(!ack_address("192.0.2.12", 500));
	ck_assert(ack_address("192.0.2.21", 500));
}
END_TEST

START_TEST(test_inband)
{
	identification_t *id;
	host_t *addr;
	gdoi_ks_member_t m;

	id = identification_create_from_string("gm1@example.org");
	addr = host_create_from_string("192.0.2.11", 500);
	ck_assert(members->add(members, id, addr, 42));
	ck_assert(add("gm2@example.org", "192.0.2.12"));
	ck_assert(find("gm1@example.org", &m));
	ck_assert_int_eq(m.ike_sa, 42);
	ck_assert(find("gm2@example.org", &m));
	ck_assert_int_eq(m.ike_sa, 0);

	members->rekey_sent(members);
	ck_assert(with_id(members->set_inband, "gm1@example.org"));
	ck_assert(!with_id(members->set_inband, "gm9@example.org"));
	ck_assert(find("gm1@example.org", &m));
	ck_assert(m.pending && m.inband);
	/* the response of the inband rekey acknowledges it */
	ck_assert(with_id(members->acked, "gm1@example.org"));
	ck_assert(find("gm1@example.org", &m));
	ck_assert(!m.pending);
	ck_assert_int_eq(m.missed, 0);

	/* the next rekey starts over */
	members->rekey_sent(members);
	ck_assert(find("gm1@example.org", &m));
	ck_assert(m.pending && !m.inband);

	/* registering again without a kept IKE_SA forgets it */
	ck_assert(!members->add(members, id, addr, 0));
	ck_assert(find("gm1@example.org", &m));
	ck_assert_int_eq(m.ike_sa, 0);
	ck_assert(!m.pending);
	id->destroy(id);
	addr->destroy(addr);
}
END_TEST

Suite *members_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("ks members");

	tc = tcase_create("database");
	tcase_add_checked_fixture(tc, setup_members, teardown_members);
	tcase_add_test(tc, test_add_update);
	tcase_add_test(tc, test_remove);
	tcase_add_test(tc, test_missed_rekeys);
	tcase_add_test(tc, test_many);
	tcase_add_test(tc, test_acked_address);
	tcase_add_test(tc, test_acked_address_moved);
	tcase_add_test(tc, test_inband);
	suite_add_tcase(s, tc);

	return s;
}
