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
 * @defgroup gdoi_test_runner gdoi_test_runner
 * @{ @ingroup libgdoi
 *
 * Runner set-up shared by the unit test programs of libgdoi and the gdoi
 * plugins: loads the plugins named by TESTS_PLUGINS or the build's list.
 */

#ifndef GDOI_TEST_RUNNER_H_
#define GDOI_TEST_RUNNER_H_

#include <test_runner.h>
#include <daemon.h>

/**
 * Initialize or tear down the library for a test run.
 *
 * @param init		TRUE to initialize, FALSE to tear down
 * @return			FALSE if the plugins failed to load
 */
static inline bool gdoi_test_runner_init(bool init)
{
	if (init)
	{
		char *plugins, *plugindir;

		plugins = getenv("TESTS_PLUGINS") ?:
					lib->settings->get_str(lib->settings,
										"tests.load", PLUGINS);
		plugindir = lib->settings->get_str(lib->settings,
										"tests.plugindir", PLUGINDIR);
		plugin_loader_add_plugindirs(plugindir, plugins);
		return lib->plugins->load(lib->plugins, plugins);
	}
	lib->processor->set_threads(lib->processor, 0);
	lib->processor->cancel(lib->processor);
	lib->plugins->unload(lib->plugins);
	return TRUE;
}

/**
 * Initialize or tear down the library and libcharon (charon->kernel, the
 * bus and so on) for a test run.
 *
 * @param init		TRUE to initialize, FALSE to tear down
 * @return			FALSE if the plugins failed to load
 */
static inline bool gdoi_test_runner_init_charon(bool init)
{
	bool ok = TRUE;

	if (init)
	{
		libcharon_init();
		return gdoi_test_runner_init(TRUE);
	}
	ok = gdoi_test_runner_init(FALSE);
	libcharon_deinit();
	return ok;
}

#endif /** GDOI_TEST_RUNNER_H_ @}*/
