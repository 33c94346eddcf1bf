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

TEST_SUITE(timing_suite_create)
TEST_SUITE(gdoi_isakmp_suite_create)
TEST_SUITE_DEPEND(gdoi_isakmp_hash_suite_create, PRF, PRF_HMAC_SHA2_256)
TEST_SUITE(settings_suite_create)
TEST_SUITE_DEPEND(tek_suite_create, RNG, RNG_STRONG)
TEST_SUITE(gikev2_codec_suite_create)
TEST_SUITE_DEPEND(gikev2_keywrap_suite_create, CRYPTER, ENCR_AES_ECB, 16)
TEST_SUITE(gikev2_rekey_auth_suite_create)
TEST_SUITE(group_cfg_suite_create)
TEST_SUITE_DEPEND(gikev2_registration_suite_create, CRYPTER, ENCR_AES_ECB, 32)
TEST_SUITE(gikev2_sag_suite_create)
TEST_SUITE_DEPEND(gikev2_rekey_suite_create, AEAD, ENCR_AES_GCM_ICV16, 32)
TEST_SUITE_DEPEND(gikev2_rules_suite_create, AEAD, ENCR_AES_GCM_ICV16, 32)
