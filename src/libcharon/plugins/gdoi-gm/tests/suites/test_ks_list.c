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

#include <gdoi_gm_ks_list.h>

static gdoi_gm_ks_list_t *list;

/**
 * Create a list of the given key servers
 */
static gdoi_gm_ks_list_t *create(u_int tries, int count, ...)
{
	linked_list_t *servers;
	va_list args;
	int i;

	servers = linked_list_create();
	va_start(args, count);
	for (i = 0; i < count; i++)
	{
		servers->insert_last(servers,
					host_create_from_string(va_arg(args, char*), 500));
	}
	va_end(args);
	return gdoi_gm_ks_list_create("test", servers, tries, 70, 480);
}

/**
 * Assert the current key server
 */
static void assert_current(char *expected)
{
	host_t *host;

	host = host_create_from_string(expected, 500);
	ck_assert_msg(host->ip_equals(host, list->get_current(list)),
				  "current %H, expected %H", list->get_current(list), host);
	host->destroy(host);
}

START_TEST(test_getvpn_table)
{
	/* GET VPN's failover table for three key servers: after each failure
	 * the next server is tried at once, after the third the member waits
	 * 70, 140, 280, then 480 s (cap) and starts over with the first */
	uint32_t waits[] = { 70, 140, 280, 480, 480 };
	int pass;

	list = create(1, 3, "192.0.2.1", "192.0.2.2", "192.0.2.3");
	for (pass = 0; pass < countof(waits); pass++)
	{
		ck_assert_int_eq(list->get_pass(list), pass + 1);
		assert_current("192.0.2.1");
		ck_assert_int_eq(list->failed(list), 0);
		assert_current("192.0.2.2");
		ck_assert_int_eq(list->failed(list), 0);
		assert_current("192.0.2.3");
		ck_assert_int_eq(list->failed(list), waits[pass]);
	}
	assert_current("192.0.2.1");
	list->destroy(list);
}
END_TEST

START_TEST(test_tries)
{
	list = create(3, 2, "192.0.2.1", "192.0.2.2");
	assert_current("192.0.2.1");
	ck_assert_int_eq(list->failed(list), 0);
	assert_current("192.0.2.1");
	ck_assert_int_eq(list->failed(list), 0);
	assert_current("192.0.2.1");
	ck_assert_int_eq(list->failed(list), 0);
	assert_current("192.0.2.2");
	ck_assert_int_eq(list->failed(list), 0);
	ck_assert_int_eq(list->failed(list), 0);
	assert_current("192.0.2.2");
	ck_assert_int_eq(list->failed(list), 70);
	assert_current("192.0.2.1");
	ck_assert_int_eq(list->get_pass(list), 2);
	list->destroy(list);
}
END_TEST

START_TEST(test_success)
{
	list = create(1, 3, "192.0.2.1", "192.0.2.2", "192.0.2.3");
	list->failed(list);
	list->failed(list);
	list->failed(list);
	list->failed(list);
	assert_current("192.0.2.2");
	ck_assert_int_eq(list->get_pass(list), 2);
	list->success(list);
	/* the next registration starts over in the configured order, and the
	 * backoff starts again from its base */
	assert_current("192.0.2.1");
	ck_assert_int_eq(list->get_pass(list), 1);
	list->failed(list);
	list->failed(list);
	ck_assert_int_eq(list->failed(list), 70);
	list->destroy(list);
}
END_TEST

START_TEST(test_single)
{
	list = create(0, 1, "2001:db8::1");
	/* zero tries counts as one */
	assert_current("2001:db8::1");
	ck_assert_int_eq(list->failed(list), 70);
	assert_current("2001:db8::1");
	ck_assert_int_eq(list->failed(list), 140);
	list->destroy(list);
}
END_TEST

START_TEST(test_empty)
{
	ck_assert(create(1, 0) == NULL);
}
END_TEST

Suite *ks_list_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("gm key server list");

	tc = tcase_create("failover");
	tcase_add_test(tc, test_getvpn_table);
	tcase_add_test(tc, test_tries);
	tcase_add_test(tc, test_success);
	tcase_add_test(tc, test_single);
	tcase_add_test(tc, test_empty);
	suite_add_tcase(s, tc);

	return s;
}
