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
 * @defgroup gdoi_ks_inband gdoi_ks_inband
 * @{ @ingroup gdoi_ks
 *
 * The key server's GSA_INBAND_REKEY (RFC 9838 2.4.2): a rekey sent as an
 * IKEv2 request over a member's registration IKE_SA, when the key server
 * keeps it (close_ike_sa = no):
 *
 *   HDR, SK{GSA, KD, [D]}  ->  HDR, SK{}
 *
 * The keys in KD are wrapped with the IKE_SA's KWK, as at registration,
 * when the task is created (with the IKE_SA checked out); the empty
 * response acknowledges the rekey.  The task is queued with
 * ike_sa_t.queue_task() (TASK_CUSTOM, patch 0002).
 */

#ifndef GDOI_KS_INBAND_H_
#define GDOI_KS_INBAND_H_

#include <sa/task.h>
#include <sa/ike_sa.h>

#include "gdoi_ks_group.h"

/**
 * Create the initiator task of a GSA_INBAND_REKEY exchange.
 *
 * @param group			group, told of the acknowledgement (referenced)
 * @param name			group name for log lines (cloned)
 * @param ike_sa		the member's registration IKE_SA, checked out
 * @param teks			new TEKs, gdoi_tek_t*
 * @param kek			new KEK, NULL if none
 * @param del_spis		ESP SPIs to delete, network order (cloned)
 * @param del_count		number of SPIs in del_spis
 * @return				task, NULL if the keys could not be wrapped (logged)
 */
task_t *gdoi_ks_inband_create(gdoi_ks_group_t *group, char *name,
							  ike_sa_t *ike_sa, linked_list_t *teks,
							  gdoi_kek_t *kek, uint32_t *del_spis,
							  u_int del_count);

#endif /** GDOI_KS_INBAND_H_ @}*/
